// How users authenticate, beyond local users: the connectors, the main team's members and the key
// that signs browser sessions. Every replica is given the same values, so any one of them can
// finish a login another started.
import type { TeamAuth } from '@jetbridge/api-types';

/** A generic OpenID Connect provider (`--oidc-*`); its users are `oidc:<name>` in team auth. */
export interface OidcSettings {
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Requested on top of `openid` (`--oidc-scope`, default profile, email, groups). */
  scopes: string[];
  /** The claim listing the user's groups (`--oidc-groups-key`, default `groups`). */
  groupsKey: string;
  /** The claim naming the user (`--oidc-user-name-key`, default `username`). */
  userNameKey: string;
  /** Trust only plain-HTTP issuers when asked: tests run a provider on loopback. */
  allowInsecureIssuer?: boolean;
  /** PEM certificates of the CAs that sign the provider's certificate (`--oidc-ca-cert`). */
  caCerts?: string[];
  /** Accept any certificate from the provider (`--oidc-skip-ssl-validation`). */
  skipTlsVerify?: boolean;
}

/** GitHub or GitHub Enterprise OAuth (`--github-*`); users `github:<login>`, groups org[:team]. */
export interface GithubSettings {
  clientId: string;
  clientSecret: string;
  /** GitHub Enterprise host (`--github-host`); github.com when unset. */
  host?: string;
}

export interface AuthSettings {
  /** Signs the browser's CSRF token and login state; shared by every replica. */
  sessionSigningKey: Buffer;
  oidc?: OidcSettings;
  github?: GithubSettings;
  /** The main team's full auth from `--main-team-*` flags or `--main-team-config`. */
  mainTeam?: TeamAuth;
}
