// The generic OpenID Connect connector (Concourse's `--oidc-*`): authorization code flow with PKCE,
// state and nonce, the ID token verified against the issuer's keys, groups and the user name read
// from the configured claims (the ID token first, then the userinfo endpoint).
import * as oidc from 'openid-client';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Identity } from './claims.ts';
import { ConnectorLoginError, type Connector, type LoginChecks } from './connector.ts';
import type { OidcSettings } from './settings.ts';

function stringClaim(claims: Record<string, unknown>, key: string): string | undefined {
  const value = claims[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function groupsClaim(claims: Record<string, unknown>, key: string): string[] | undefined {
  const value = claims[key];
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return [value];
  return undefined;
}

/** A fetch that trusts the configured CAs (or any certificate), for every call to the provider. */
function providerFetch(settings: OidcSettings): oidc.CustomFetch | undefined {
  if (!settings.caCerts?.length && !settings.skipTlsVerify) return undefined;
  const dispatcher = new Agent({
    connect: settings.skipTlsVerify ? { rejectUnauthorized: false } : { ca: settings.caCerts },
  });
  // undici's fetch is the one Node ships; its types differ from the DOM's only on paper.
  return async (url, options) => {
    const init = { ...options, dispatcher } as Parameters<typeof undiciFetch>[1];
    return (await undiciFetch(url, init)) as unknown as Response;
  };
}

export function oidcConnector(settings: OidcSettings): Connector {
  let discovered: Promise<oidc.Configuration> | undefined;
  const customFetch = providerFetch(settings);
  const configuration = () => {
    discovered ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
        execute: settings.allowInsecureIssuer ? [oidc.allowInsecureRequests] : [],
        ...(customFetch ? { [oidc.customFetch]: customFetch } : {}),
      })
      .then((config) => {
        if (customFetch) config[oidc.customFetch] = customFetch;
        return config;
      })
      .catch((err: unknown) => {
        discovered = undefined;
        throw new ConnectorLoginError(
          `OIDC discovery at ${settings.issuer} failed: ${(err as Error).message}`,
        );
      });
    return discovered;
  };

  return {
    id: 'oidc',
    displayName: settings.displayName,

    async start(redirectUri: string) {
      const config = await configuration();
      const verifier = oidc.randomPKCECodeVerifier();
      const checks: LoginChecks = {
        verifier,
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        redirectUri,
      };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: ['openid', ...settings.scopes].join(' '),
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: checks.state!,
        nonce: checks.nonce!,
      });
      return { url, checks };
    },

    async finish(callbackUrl: URL, checks: LoginChecks): Promise<Identity> {
      const config = await configuration();
      let tokens;
      try {
        tokens = await oidc.authorizationCodeGrant(
          config,
          callbackUrl,
          {
            pkceCodeVerifier: checks.verifier,
            expectedState: checks.state,
            expectedNonce: checks.nonce,
            idTokenExpected: true,
          },
          { redirect_uri: checks.redirectUri! },
        );
      } catch (err) {
        throw new ConnectorLoginError(`OIDC login failed: ${(err as Error).message}`);
      }
      let claims: Record<string, unknown> = { ...tokens.claims()! };
      const needsUserinfo =
        claims[settings.groupsKey] === undefined || claims[settings.userNameKey] === undefined;
      if (needsUserinfo && config.serverMetadata().userinfo_endpoint) {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub));
        claims = { ...info, ...claims };
      }
      const sub = String(claims.sub);
      return {
        userId: sub,
        name: stringClaim(claims, settings.userNameKey) ?? stringClaim(claims, 'name') ?? sub,
        email: stringClaim(claims, 'email') ?? '',
        preferredUsername: stringClaim(claims, 'preferred_username'),
        groups: groupsClaim(claims, settings.groupsKey) ?? [],
      };
    },
  };
}
