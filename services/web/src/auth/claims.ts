// The claims stored with each access token, shaped like those Concourse keeps for a Dex local user.
import { createHash } from 'node:crypto';

export interface Claims {
  sub: string;
  name: string;
  email: string;
  preferred_username?: string;
  groups?: string[];
  federated_claims: { connector_id: string; user_id: string };
  aud: string[];
  iss: string;
  iat: number;
  exp: number;
}

/** Who a connector says the user is, before it becomes token claims. */
export interface Identity {
  /** The connector's stable id for the user (OIDC `sub`, GitHub's login, the local name). */
  userId: string;
  name: string;
  email: string;
  preferredUsername?: string;
  groups?: string[];
}

export function identityClaims(
  connectorId: string,
  identity: Identity,
  issuer: string,
  now: Date,
  expiresAt: Date,
): Claims {
  return {
    sub: createHash('sha256').update(`${connectorId}:${identity.userId}`).digest('base64url'),
    name: identity.name,
    email: identity.email,
    ...(identity.preferredUsername ? { preferred_username: identity.preferredUsername } : {}),
    ...(identity.groups ? { groups: identity.groups } : {}),
    federated_claims: { connector_id: connectorId, user_id: identity.userId },
    aud: ['fly'],
    iss: issuer,
    iat: Math.floor(now.getTime() / 1000),
    exp: Math.floor(expiresAt.getTime() / 1000),
  };
}

export function localUserClaims(
  username: string,
  issuer: string,
  now: Date,
  expiresAt: Date,
): Claims {
  const identity = { userId: username, name: username, email: username };
  return identityClaims('local', identity, issuer, now, expiresAt);
}

/** The connector as Concourse names it in team auth (`cloudfoundry` is written `cf`). */
export function connectorOf(claims: Claims): string {
  const id = claims.federated_claims?.connector_id ?? '';
  return id === 'cloudfoundry' ? 'cf' : id;
}

/** What the server records as `created_by` / `paused_by` and shows as `display_user_id`. */
export function displayUserId(claims: Claims): string {
  return claims.preferred_username || claims.federated_claims?.user_id || claims.name || '';
}
