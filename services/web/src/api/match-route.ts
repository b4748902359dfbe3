// Matches a raw request path against the route table: a capture takes exactly one segment, each
// segment is percent-decoded exactly once, and literal segments win over captures.
import type { Method, Route } from './route-table.ts';

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** Decoded segments of a raw path, or null when an escape is malformed. */
export function decodeSegments(rawPath: string): string[] | null {
  try {
    return rawPath.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  rawPath: string,
): RouteMatch | null {
  const segments = decodeSegments(rawPath);
  if (!segments) return null;

  let best: RouteMatch | null = null;
  let bestLiterals = -1;
  for (const route of routes) {
    if (route.method !== (method as Method)) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;

    const params: Record<string, string> = {};
    let literals = 0;
    let matches = true;
    for (let i = 0; i < pattern.length; i++) {
      const part = pattern[i]!;
      if (part.startsWith(':')) {
        if (segments[i] === '') matches = false;
        params[part.slice(1)] = segments[i]!;
      } else if (part === segments[i]) {
        literals++;
      } else {
        matches = false;
      }
      if (!matches) break;
    }
    if (matches && literals > bestLiterals) {
      best = { route, params };
      bestLiterals = literals;
    }
  }
  return best;
}
