// Concourse's opaque access token: 20 random bytes then the expiry as a little-endian uint64 of
// Unix seconds, base64 without padding. `fly targets` decodes it to show the expiry.
import { randomBytes } from 'node:crypto';

const RANDOM_BYTES = 20;
const TOKEN_BYTES = 28;

export function mintAccessToken(expiresAt: Date): string {
  const buf = Buffer.alloc(TOKEN_BYTES);
  randomBytes(RANDOM_BYTES).copy(buf, 0);
  buf.writeBigUInt64LE(BigInt(Math.floor(expiresAt.getTime() / 1000)), RANDOM_BYTES);
  return buf.toString('base64').replace(/=+$/, '');
}

/** The expiry a token carries, or null when the value is not a token of this format. */
export function accessTokenExpiry(token: string): Date | null {
  if (!/^[A-Za-z0-9+/]+$/.test(token)) return null;
  const buf = Buffer.from(token, 'base64');
  if (buf.length !== TOKEN_BYTES) return null;
  return new Date(Number(buf.readBigUInt64LE(RANDOM_BYTES)) * 1000);
}
