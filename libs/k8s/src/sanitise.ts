// Turning user-chosen names (pipelines, jobs, steps: any unicode) into Kubernetes syntax.
import { shortHash } from './hash.ts';

/** Lower-case DNS label characters; empty when nothing usable is left. */
export function dnsLabelPart(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * A name segment that is never empty: a name made only of characters Kubernetes refuses (emoji,
 * scripts other than latin) becomes a hash of itself, so two such names still differ.
 */
export function nameSegment(text: string): string {
  const part = dnsLabelPart(text);
  if (part !== '') return part;
  return text === '' ? 'x' : `x${shortHash(text, 6)}`;
}

/** Cuts a DNS label part to `max` characters without leaving a trailing dash. */
export function cutPart(part: string, max: number): string {
  if (part.length <= max) return part;
  return part.slice(0, Math.max(0, max)).replace(/-+$/, '');
}
