// Mints an access token for a user a connector vouched for and stores it with its claims.
import type { WebContext } from '../context.ts';
import { displayUserId, identityClaims, type Identity } from './claims.ts';
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
  await ctx.pool.query(
    `INSERT INTO users (sub, username, connector, last_login) VALUES ($1, $2, $3, $4)
     ON CONFLICT (sub) DO UPDATE SET username = excluded.username, last_login = excluded.last_login`,
    [claims.sub, displayUserId(claims), connectorId, now],
  );
  // Expired tokens can never verify again; each login sweeps them so the table stays small.
  await ctx.pool.query('DELETE FROM access_tokens WHERE expires_at < now()');
  return { token, expiresAt };
}

export function issueLocalUserToken(ctx: WebContext, username: string): Promise<IssuedToken> {
  return issueToken(ctx, 'local', { userId: username, name: username, email: username });
}
