// Copies the outcome of finished check builds onto their resource (type): last_checked, and the
// error a failed check reported (its last `error` event), cleared by the next successful check.
import type { PoolClient } from '@jetbridge/db';
import { lastErrorMessageSql } from '../builds/last-error.ts';

function recordFor(table: 'resources' | 'resource_types'): string {
  return `UPDATE ${table} c SET last_checked = b.end_time,
      check_error = CASE WHEN b.status = 'succeeded' THEN NULL ELSE COALESCE(
        ${lastErrorMessageSql('b.id')},
        'check ' || b.status) END
    FROM builds b
    WHERE b.id = c.last_check_build_id AND b.end_time IS NOT NULL
      AND c.last_checked IS DISTINCT FROM b.end_time
      AND (b.status <> 'succeeded' OR c.last_checked IS NULL OR c.last_checked < b.end_time)`;
}

export async function recordCheckResults(client: PoolClient): Promise<void> {
  await client.query(recordFor('resources'));
  await client.query(recordFor('resource_types'));
}
