// A version scope is the history of one resource or one resource type under its current config.
import type { PoolClient } from '@jetbridge/db';
import { resourceConfigHash } from './version-identity.ts';

export type VersionScope = { resourceId: number } | { resourceTypeId: number };

export interface ResolvedScope {
  column: 'resource_id' | 'resource_type_id';
  id: number;
  configHash: string;
  pipelineId: number;
}

export class ScopeNotFoundError extends Error {
  override name = 'ScopeNotFoundError';

  constructor(scope: VersionScope) {
    super(`version scope not found: ${JSON.stringify(scope)}`);
  }
}

/**
 * Reads the scope's current config hash. With `lock`, the resource (type) row is locked so that
 * concurrent savers of the same scope take turns and check orders stay consistent.
 */
export async function resolveScope(
  client: PoolClient,
  scope: VersionScope,
  lock = false,
): Promise<ResolvedScope> {
  const forUpdate = lock ? 'FOR UPDATE' : '';
  if ('resourceId' in scope) {
    const found = await client.query<{ config_hash: string; pipeline_id: number }>(
      `SELECT config_hash, pipeline_id FROM resources WHERE id = $1 ${forUpdate}`,
      [scope.resourceId],
    );
    const row = found.rows[0];
    if (!row) throw new ScopeNotFoundError(scope);
    return {
      column: 'resource_id',
      id: scope.resourceId,
      configHash: row.config_hash,
      pipelineId: row.pipeline_id,
    };
  }
  const found = await client.query<{
    type: string;
    config: { source?: unknown };
    pipeline_id: number;
  }>(`SELECT type, config, pipeline_id FROM resource_types WHERE id = $1 ${forUpdate}`, [
    scope.resourceTypeId,
  ]);
  const row = found.rows[0];
  if (!row) throw new ScopeNotFoundError(scope);
  return {
    column: 'resource_type_id',
    id: scope.resourceTypeId,
    configHash: resourceConfigHash(row.type, row.config?.source),
    pipelineId: row.pipeline_id,
  };
}
