// HMAC signatures under the session key. Each use names its purpose, so a value signed for one
// (a login's state) can never pass as another (a CSRF token).
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Purpose = 'csrf' | 'login-state';

export function sign(key: Buffer, purpose: Purpose, value: string): string {
  return createHmac('sha256', key).update(`${purpose}\n${value}`).digest('base64url');
}

export function verifySignature(
  key: Buffer,
  purpose: Purpose,
  value: string,
  signature: string,
): boolean {
  const expected = Buffer.from(sign(key, purpose, value));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** `<payload>.<signature>`, the payload base64url JSON with an expiry in Unix milliseconds. */
export function sealValue(key: Buffer, purpose: Purpose, payload: object, ttlMs: number): string {
  const body = Buffer.from(JSON.stringify({ ...payload, exp: Date.now() + ttlMs })).toString(
    'base64url',
  );
  return `${body}.${sign(key, purpose, body)}`;
}

/** The payload of a sealed value, or null when it was tampered with, is foreign or has expired. */
export function openSealed<T extends object>(
  key: Buffer,
  purpose: Purpose,
  sealed: string | undefined,
): T | null {
  if (!sealed) return null;
  const dot = sealed.lastIndexOf('.');
  if (dot <= 0) return null;
  const body = sealed.slice(0, dot);
  if (!verifySignature(key, purpose, body, sealed.slice(dot + 1))) return null;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T & {
      exp?: number;
    };
    if (typeof payload.exp !== 'number' || payload.exp < Date.now()) return null;
    return payload;
  } catch {
    return null;
  }
}
