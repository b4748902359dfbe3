// A login connector: an outside identity provider the browser is sent to and comes back from.
import type { Identity } from './claims.ts';

/** What a connector must remember between sending the browser out and its return. */
export type LoginChecks = Record<string, string>;

export interface Connector {
  /** The connector id in team auth (`oidc:alice`, `github:acme`). */
  id: string;
  displayName: string;
  /** The provider's authorization URL and the checks to keep in the signed login cookie. */
  start(redirectUri: string): Promise<{ url: URL; checks: LoginChecks }>;
  /** Exchanges the callback's code for the user's identity, verifying the kept checks. */
  finish(callbackUrl: URL, checks: LoginChecks): Promise<Identity>;
}

/** The provider refused the login or answered something that does not verify. */
export class ConnectorLoginError extends Error {
  override name = 'ConnectorLoginError';
}
