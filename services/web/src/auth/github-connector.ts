// GitHub (or GitHub Enterprise) OAuth, as Concourse's `--github-*` flags configure it: the user is
// their login, their groups are their orgs and `org:team` slugs, read from the GitHub API.
import * as oidc from 'openid-client';
import type { Identity } from './claims.ts';
import { ConnectorLoginError, type Connector, type LoginChecks } from './connector.ts';
import type { GithubSettings } from './settings.ts';

interface GithubEndpoints {
  web: string;
  api: string;
}

/** github.com, or an Enterprise host (`github.example.com` means https; a URL is taken as is). */
export function githubEndpoints(host: string | undefined): GithubEndpoints {
  if (!host) return { web: 'https://github.com', api: 'https://api.github.com' };
  const web = (/^https?:\/\//.test(host) ? host : `https://${host}`).replace(/\/+$/, '');
  return { web, api: `${web}/api/v3` };
}

async function githubApi<T>(api: string, path: string, accessToken: string): Promise<T> {
  const res = await fetch(`${api}${path}`, {
    headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/vnd.github+json' },
  });
  if (!res.ok) throw new ConnectorLoginError(`GitHub API ${path} answered ${res.status}`);
  return (await res.json()) as T;
}

export function githubConnector(settings: GithubSettings): Connector {
  const endpoints = githubEndpoints(settings.host);
  const config = new oidc.Configuration(
    {
      issuer: endpoints.web,
      authorization_endpoint: `${endpoints.web}/login/oauth/authorize`,
      token_endpoint: `${endpoints.web}/login/oauth/access_token`,
    },
    settings.clientId,
    { client_secret: settings.clientSecret },
    oidc.ClientSecretPost(settings.clientSecret),
  );
  if (endpoints.web.startsWith('http:')) oidc.allowInsecureRequests(config);

  return {
    id: 'github',
    displayName: 'GitHub',

    async start(redirectUri: string) {
      const checks: LoginChecks = { state: oidc.randomState(), redirectUri };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'read:org user:email',
        state: checks.state!,
      });
      return { url, checks };
    },

    async finish(callbackUrl: URL, checks: LoginChecks): Promise<Identity> {
      let accessToken: string;
      try {
        const tokens = await oidc.authorizationCodeGrant(
          config,
          callbackUrl,
          { expectedState: checks.state, idTokenExpected: false },
          { redirect_uri: checks.redirectUri! },
        );
        accessToken = tokens.access_token;
      } catch (err) {
        throw new ConnectorLoginError(`GitHub login failed: ${(err as Error).message}`);
      }
      const user = await githubApi<{ id: number; login: string; name?: string; email?: string }>(
        endpoints.api,
        '/user',
        accessToken,
      );
      const orgs = await githubApi<Array<{ login: string }>>(
        endpoints.api,
        '/user/orgs',
        accessToken,
      );
      const teams = await githubApi<Array<{ slug: string; organization: { login: string } }>>(
        endpoints.api,
        '/user/teams',
        accessToken,
      );
      return {
        userId: String(user.id),
        name: user.name || user.login,
        email: user.email ?? '',
        preferredUsername: user.login,
        groups: [
          ...orgs.map((o) => o.login),
          ...teams.map((t) => `${t.organization.login}:${t.slug}`),
        ],
      };
    },
  };
}
