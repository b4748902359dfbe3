// Database ids in URLs and query strings. Ids are Postgres integers: a number past their range
// names nothing (404) or is clamped to the range, never sent to Postgres to fail there (500).
import { BadRequestError } from '@jetbridge/api-types';

export const maxId = 2_147_483_647;

/** The id in `raw`, null when no row can have it; 400 when it is not a number at all. */
export function idParam(raw: string, what: string): number | null {
  if (!/^\d+$/.test(raw)) throw new BadRequestError(`${what} '${raw}' is not a number`);
  const id = Number(raw);
  return id <= maxId ? id : null;
}

/** A numeric bound such as `from`/`to`, clamped to the id range. */
export function boundParam(raw: string | null, key: string): number | null {
  if (raw === null || raw === '') return null;
  if (!/^\d+$/.test(raw)) throw new BadRequestError(`query parameter '${key}' must be a number`);
  return Math.min(Number(raw), maxId);
}
