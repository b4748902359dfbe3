// The browser login through an outside provider: /sky/login lists the ways in, /sky/login/<id>
// sends the browser to the provider with a signed login cookie holding the flow's checks, and
// /sky/callback (on any replica: the cookie carries everything) issues the access token, sets the
// session cookies and hands the token on to fly when the login started from `fly login`.
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { WebContext } from '../context.ts';
import { setSessionCookies } from './browser-session.ts';
import { ConnectorLoginError, type LoginChecks } from './connector.ts';
import { connectorsOf } from './connectors.ts';
import { issueToken } from './issue-token.ts';
import { loginPage } from './login-pages.ts';
import { sessionKeyOf } from './session-key.ts';
import { openSealed, sealValue } from './signing.ts';

const LOGIN_COOKIE = 'jetbridge_login';
const LOGIN_TTL_MS = 10 * 60 * 1000;

interface LoginState {
  connector: string;
  flyPort: string;
  checks: LoginChecks;
}

/** fly's port from `?fly_port=N` or from Concourse's `?redirect_uri=/fly_success?fly_port=N`. */
function flyPortOf(c: Context): string {
  const direct = c.req.query('fly_port');
  if (direct) return direct;
  const redirect = c.req.query('redirect_uri') ?? '';
  return /[?&]fly_port=(\d+)/.exec(redirect)?.[1] ?? '';
}

export function connectorRoutes(ctx: WebContext): Hono {
  const app = new Hono();
  const redirectUri = `${ctx.settings.externalUrl}/sky/callback`;
  const secure = ctx.settings.externalUrl.startsWith('https:') ? '; Secure' : '';
  const links = () =>
    [...connectorsOf(ctx).values()].map((c) => ({ id: c.id, displayName: c.displayName }));

  app.get('/sky/login', (c) => c.html(loginPage(flyPortOf(c), '', links())));

  app.get('/sky/login/:connector', async (c) => {
    const connector = connectorsOf(ctx).get(c.req.param('connector'));
    if (!connector) return c.html(loginPage(flyPortOf(c), 'unknown login method', links()), 404);
    let started;
    try {
      started = await connector.start(redirectUri);
    } catch (err) {
      if (!(err instanceof ConnectorLoginError)) throw err;
      ctx.logger.warn(
        { connector: connector.id, reason: err.message },
        'login-provider-unavailable',
      );
      const message = `${connector.displayName} cannot be reached: try again later or ask an operator`;
      return c.html(loginPage(flyPortOf(c), message, links()), 502);
    }
    const { url, checks } = started;
    const state: LoginState = { connector: connector.id, flyPort: flyPortOf(c), checks };
    const sealed = sealValue(await sessionKeyOf(ctx), 'login-state', state, LOGIN_TTL_MS);
    c.header(
      'Set-Cookie',
      `${LOGIN_COOKIE}=${sealed}; Path=/sky/callback; HttpOnly; SameSite=Lax; Max-Age=${LOGIN_TTL_MS / 1000}${secure}`,
    );
    return c.redirect(url.href, 302);
  });

  app.get('/sky/callback', async (c) => {
    const key = await sessionKeyOf(ctx);
    const state = openSealed<LoginState>(key, 'login-state', getCookie(c, LOGIN_COOKIE));
    const connector = state ? connectorsOf(ctx).get(state.connector) : undefined;
    if (!state || !connector) {
      return c.html(
        loginPage('', 'the login expired or was started elsewhere: try again', links()),
        401,
      );
    }
    const callbackUrl = new URL(`${redirectUri}${new URL(c.req.url).search}`);
    let identity;
    try {
      identity = await connector.finish(callbackUrl, state.checks);
    } catch (err) {
      if (!(err instanceof ConnectorLoginError)) throw err;
      ctx.logger.info({ connector: connector.id, reason: err.message }, 'login-rejected');
      return c.html(loginPage(state.flyPort, 'the login provider refused the login', links()), 401);
    }
    const issued = await issueToken(ctx, connector.id, identity);
    ctx.logger.info({ connector: connector.id, user_id: identity.userId }, 'login-succeeded');
    c.header('Set-Cookie', `${LOGIN_COOKIE}=; Path=/sky/callback; Max-Age=0; HttpOnly`);
    setSessionCookies(c, key, issued.token, issued.expiresAt, secure !== '');
    const next = /^\d+$/.test(state.flyPort) ? `/fly_success?fly_port=${state.flyPort}` : '/';
    return c.redirect(next, 302);
  });

  return app;
}
