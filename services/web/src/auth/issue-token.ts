// Mints an access token for a user a connector vouched for and stores it with its claims.
import type { WebContext } from '../context.ts';
import { identityClaims, type Identity } from './claims.ts';
import { mintAccessToken } from './token.ts';

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export async function issueToken(
  ctx: WebContext,
  connectorId: string,
  identity: Identity,
): Promise<IssuedToken> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ctx.settings.authDurationMs);
  const token = mintAccessToken(expiresAt);
  const issuer = `${ctx.settings.externalUrl}/sky/issuer`;
  const claims = identityClaims(connectorId, identity, issuer, now, expiresAt);
  await ctx.pool.query(
    'INSERT INTO access_tokens (token, claims, expires_at) VALUES ($1, $2, $3)',
    [token, JSON.stringify(claims), expiresAt],
  );
  return { token, expiresAt };
}

export function issueLocalUserToken(ctx: WebContext, username: string): Promise<IssuedToken> {
  return issueToken(ctx, 'local', { userId: username, name: username, email: username });
}
