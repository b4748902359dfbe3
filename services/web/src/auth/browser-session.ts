// The browser's session: the `skymarshal_auth` cookie carries the access token (as Concourse's
// does, so `fly logout` can name it) and `skymarshal_csrf` its CSRF token, a signature of the
// access token under the shared session key. Any replica can check it without shared memory.
import { getCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { bearerToken } from './caller.ts';
import { sign, verifySignature } from './signing.ts';

export const AUTH_COOKIE = 'skymarshal_auth';
export const CSRF_COOKIE = 'skymarshal_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfTokenFor(key: Buffer, accessToken: string): string {
  return sign(key, 'csrf', accessToken);
}

/** The access token in a cookie value; Go's cookie encoder wraps values with spaces in quotes. */
export function tokenFromCookieValue(value: string | undefined): string | null {
  if (!value) return null;
  return bearerToken(value.replace(/^"|"$/g, ''));
}

/** Parses one cookie from a raw Cookie header (for requests that are not a hono Context). */
export function cookieFromHeader(header: string | null, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function setSessionCookies(
  c: Context,
  key: Buffer,
  accessToken: string,
  expiresAt: Date,
  secure: boolean,
): void {
  const attrs = `Path=/; SameSite=Lax; Expires=${expiresAt.toUTCString()}${secure ? '; Secure' : ''}`;
  c.header('Set-Cookie', `${AUTH_COOKIE}="bearer ${accessToken}"; ${attrs}; HttpOnly`, {
    append: true,
  });
  // Readable by the page's script, which echoes it in X-Csrf-Token.
  c.header('Set-Cookie', `${CSRF_COOKIE}=${csrfTokenFor(key, accessToken)}; ${attrs}`, {
    append: true,
  });
}

export function clearSessionCookies(c: Context): void {
  c.header('Set-Cookie', `${AUTH_COOKIE}=; Path=/; Max-Age=0; HttpOnly`, { append: true });
  c.header('Set-Cookie', `${CSRF_COOKIE}=; Path=/; Max-Age=0`, { append: true });
}

export function cookieAccessToken(c: Context): string | null {
  return tokenFromCookieValue(getCookie(c, AUTH_COOKIE));
}

export type CookieAuth =
  { kind: 'none' } | { kind: 'ok'; authorization: string } | { kind: 'csrf-failed' };

/**
 * The Authorization a cookie-authenticated API request stands for. State-changing requests must
 * echo the CSRF token; fly sends a header and never a cookie, so it never meets this check.
 */
export function authorizationFromCookie(request: Request, key: Buffer): CookieAuth {
  const cookies = request.headers.get('cookie');
  const token = tokenFromCookieValue(cookieFromHeader(cookies, AUTH_COOKIE));
  if (!token) return { kind: 'none' };
  if (!SAFE_METHODS.has(request.method)) {
    const given = request.headers.get(CSRF_HEADER) ?? '';
    if (!verifySignature(key, 'csrf', token, given)) return { kind: 'csrf-failed' };
  }
  return { kind: 'ok', authorization: `Bearer ${token}` };
}

/**
 * A 401 to a request that came with the session cookie also expires the cookies, as Concourse
 * does, so the browser stops sending a session that no longer works.
 */
export function expireSessionOnUnauthorized(request: Request, response: Response): Response {
  if (response.status !== 401 || request.headers.has('authorization')) return response;
  if (!cookieFromHeader(request.headers.get('cookie'), AUTH_COOKIE)) return response;
  const headers = new Headers(response.headers);
  headers.append('Set-Cookie', `${AUTH_COOKIE}=; Path=/; Max-Age=0; HttpOnly`);
  headers.append('Set-Cookie', `${CSRF_COOKIE}=; Path=/; Max-Age=0`);
  return new Response(response.body, { status: response.status, headers });
}
