// Checks a local user's password against the configured plain text or bcrypt hash.
import bcrypt from 'bcryptjs';
import { timingSafeEqual } from 'node:crypto';
import type { LocalUser } from '../context.ts';

const BCRYPT_PREFIX = /^\$2[aby]\$/;

function equalText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export async function verifyLocalUser(
  users: readonly LocalUser[],
  username: string,
  password: string,
): Promise<boolean> {
  const user = users.find((u) => u.username === username);
  if (!user) return false;
  if (BCRYPT_PREFIX.test(user.password)) return bcrypt.compare(password, user.password);
  return equalText(user.password, password);
}
