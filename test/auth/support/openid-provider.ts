// A real, certified OpenID provider (the `oidc-provider` package) on loopback, for login tests.
// Its development login form accepts any password; the account's name picks its claims.
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import Provider from 'oidc-provider';
import { freePort } from '../../support/processes.ts';

export interface OpenIdAccount {
  name: string;
  email: string;
  groups: string[];
}

export interface OpenIdProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export async function startOpenIdProvider(opts: {
  redirectUris: string[];
  accounts: Record<string, OpenIdAccount>;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}): Promise<OpenIdProvider> {
  const port = await freePort();
  const issuer = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const clientId = 'jetbridge';
  const clientSecret = `client-secret-${port}-must-stay-hidden`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
      groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'email', 'groups'],
    cookies: { keys: ['provider-cookie-key-for-tests'] },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    async findAccount(_ctx: unknown, id: string) {
      const account = opts.accounts[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            name: account.name,
            preferred_username: id,
            email: account.email,
            groups: account.groups,
          };
        },
      };
    },
  });
  const server: Server = opts.tls
    ? createTlsServer(opts.tls, provider.callback())
    : createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
