// Stable short hashes: the part of a generated name that keeps it unique after it is cut.
import { createHash } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function shortHash(text: string, length = 8): string {
  return sha256Hex(text).slice(0, length);
}
