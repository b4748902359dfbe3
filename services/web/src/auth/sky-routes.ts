// The skymarshal endpoints fly uses: the OAuth2 password grant, logout, and the browser login that
// hands a token to fly's local listener.
import { Hono } from 'hono';
import type { WebContext } from '../context.ts';
import { connectorRoutes } from './connector-routes.ts';
import { connectorsOf } from './connectors.ts';
import { clearSessionCookies, cookieAccessToken, setSessionCookies } from './browser-session.ts';
import { issueLocalUserToken } from './issue-token.ts';
import { verifyLocalUser } from './local-users.ts';
import { loginPage, flySuccessPage } from './login-pages.ts';
import { sessionKeyOf } from './session-key.ts';

const FLY_CLIENT_ID = 'fly';
const FLY_CLIENT_SECRET = 'Zmx5';

/** Client credentials from a Basic header (fly's first attempt) or the form (its retry). */
function clientCredentials(header: string | undefined, form: URLSearchParams) {
  if (header?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    const unescape = (s: string) => decodeURIComponent(s.replaceAll('+', ' '));
    try {
      return { id: unescape(decoded.slice(0, at)), secret: unescape(decoded.slice(at + 1)) };
    } catch {
      return { id: '', secret: '' };
    }
  }
  return { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '' };
}

function oauthError(status: number, error: string, description: string): Response {
  return new Response(`${JSON.stringify({ error, error_description: description })}\n`, {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

export function skyRoutes(ctx: WebContext): Hono {
  const app = new Hono();

  app.post('/sky/issuer/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const client = clientCredentials(c.req.header('authorization'), form);
    if (client.id !== FLY_CLIENT_ID || client.secret !== FLY_CLIENT_SECRET) {
      return oauthError(401, 'invalid_client', 'not authorized: unknown client');
    }
    if (form.get('grant_type') !== 'password') {
      return oauthError(400, 'unsupported_grant_type', 'only the password grant is supported');
    }
    const username = form.get('username') ?? '';
    const ok = await verifyLocalUser(ctx.settings.localUsers, username, form.get('password') ?? '');
    if (!ok) {
      ctx.logger.info({ username }, 'login-rejected');
      return oauthError(401, 'access_denied', 'not authorized: invalid username or password');
    }
    const issued = await issueLocalUserToken(ctx, username);
    ctx.logger.info({ username }, 'login-succeeded');
    const expiresIn = Math.floor((issued.expiresAt.getTime() - Date.now()) / 1000);
    return c.json({ access_token: issued.token, token_type: 'bearer', expires_in: expiresIn });
  });

  app.get('/sky/logout', async (c) => {
    const token = cookieAccessToken(c);
    if (!token) return c.text('not authorized', 401);
    await ctx.pool.query('DELETE FROM access_tokens WHERE token = $1', [token]);
    clearSessionCookies(c);
    return c.body(null, 200);
  });

  const links = () =>
    [...connectorsOf(ctx).values()].map((c) => ({ id: c.id, displayName: c.displayName }));
  app.route('/', connectorRoutes(ctx));
  app.get('/login', (c) => c.html(loginPage(c.req.query('fly_port') ?? '', '', links())));

  app.post('/login', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const flyPort = form.get('fly_port') ?? '';
    const username = form.get('username') ?? '';
    if (!(await verifyLocalUser(ctx.settings.localUsers, username, form.get('password') ?? ''))) {
      return c.html(loginPage(flyPort, 'invalid username or password', links()), 401);
    }
    const issued = await issueLocalUserToken(ctx, username);
    const secure = ctx.settings.externalUrl.startsWith('https:');
    setSessionCookies(c, await sessionKeyOf(ctx), issued.token, issued.expiresAt, secure);
    const next = /^\d+$/.test(flyPort) ? `/fly_success?fly_port=${flyPort}` : '/';
    return c.redirect(next, 302);
  });

  app.get('/fly_success', (c) => {
    const token = cookieAccessToken(c);
    const flyPort = c.req.query('fly_port') ?? '';
    if (!token || !/^\d+$/.test(flyPort)) return c.redirect(`/login?fly_port=${flyPort}`, 302);
    return c.html(flySuccessPage(Number(flyPort), `bearer ${token}`));
  });

  return app;
}
