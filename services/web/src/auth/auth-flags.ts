// Turns the `jetbridge web` auth flags (Concourse's names) into AuthSettings, reading the files
// they name. Kept here so the command line only passes values through.
import { readFile } from 'node:fs/promises';
import { mainTeamAuth } from './main-team.ts';
import { readSessionSigningKey } from './session-key.ts';
import type { AuthSettings, GithubSettings, OidcSettings } from './settings.ts';

export interface AuthFlagValues {
  sessionSigningKey?: string;
  mainTeamLocalUsers: string[];
  mainTeamConfig?: string;
  mainTeamOidcUsers: string[];
  mainTeamOidcGroups: string[];
  mainTeamGithubUsers: string[];
  mainTeamGithubOrgs: string[];
  mainTeamGithubTeams: string[];
  oidcDisplayName?: string;
  oidcIssuer?: string;
  oidcClientId?: string;
  oidcClientSecret?: string;
  oidcScopes: string[];
  oidcGroupsKey?: string;
  oidcUserNameKey?: string;
  /** Paths of PEM files (`--oidc-ca-cert`). */
  oidcCaCerts: string[];
  oidcSkipSslValidation?: boolean;
  githubClientId?: string;
  githubClientSecret?: string;
  githubHost?: string;
}

export class AuthFlagError extends Error {
  override name = 'AuthFlagError';
}

async function oidcSettings(f: AuthFlagValues): Promise<OidcSettings | undefined> {
  if (!f.oidcIssuer) return undefined;
  if (!f.oidcClientId || !f.oidcClientSecret) {
    throw new AuthFlagError('--oidc-issuer needs --oidc-client-id and --oidc-client-secret');
  }
  const issuer = f.oidcIssuer.replace(/\/+$/, '');
  return {
    displayName: f.oidcDisplayName || 'OIDC',
    issuer,
    clientId: f.oidcClientId,
    clientSecret: f.oidcClientSecret,
    scopes: f.oidcScopes.length > 0 ? f.oidcScopes : ['profile', 'email', 'groups'],
    groupsKey: f.oidcGroupsKey || 'groups',
    userNameKey: f.oidcUserNameKey || 'username',
    allowInsecureIssuer: new URL(issuer).protocol === 'http:',
    caCerts: await Promise.all(f.oidcCaCerts.map((path) => readFile(path, 'utf8'))),
    skipTlsVerify: f.oidcSkipSslValidation === true,
  };
}

function githubSettings(f: AuthFlagValues): GithubSettings | undefined {
  if (!f.githubClientId) return undefined;
  if (!f.githubClientSecret)
    throw new AuthFlagError('--github-client-id needs --github-client-secret');
  return { clientId: f.githubClientId, clientSecret: f.githubClientSecret, host: f.githubHost };
}

export async function authSettingsFromFlags(f: AuthFlagValues): Promise<Partial<AuthSettings>> {
  const settings: Partial<AuthSettings> = {
    oidc: await oidcSettings(f),
    github: githubSettings(f),
    mainTeam: mainTeamAuth({
      localUsers: f.mainTeamLocalUsers,
      oidcUsers: f.mainTeamOidcUsers,
      oidcGroups: f.mainTeamOidcGroups,
      githubUsers: f.mainTeamGithubUsers,
      githubOrgs: f.mainTeamGithubOrgs,
      githubTeams: f.mainTeamGithubTeams,
      config: f.mainTeamConfig ? await readFile(f.mainTeamConfig, 'utf8') : undefined,
    }),
  };
  if (f.sessionSigningKey) {
    settings.sessionSigningKey = await readSessionSigningKey(f.sessionSigningKey);
  }
  return settings;
}
