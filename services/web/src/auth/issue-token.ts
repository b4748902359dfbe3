// Mints an access token for a local user and stores it with its claims.
import type { WebContext } from '../context.ts';
import { localUserClaims } from './claims.ts';
import { mintAccessToken } from './token.ts';

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export async function issueLocalUserToken(ctx: WebContext, username: string): Promise<IssuedToken> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ctx.settings.authDurationMs);
  const token = mintAccessToken(expiresAt);
  const claims = localUserClaims(
    username,
    `${ctx.settings.externalUrl}/sky/issuer`,
    now,
    expiresAt,
  );
  await ctx.pool.query(
    'INSERT INTO access_tokens (token, claims, expires_at) VALUES ($1, $2, $3)',
    [token, JSON.stringify(claims), expiresAt],
  );
  return { token, expiresAt };
}
