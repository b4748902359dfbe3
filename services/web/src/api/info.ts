// Server info, the credential managers, the caller's user info, and health.
import type { Info, UserInfo } from '@jetbridge/api-types';
import { connectorOf } from '../auth/claims.ts';
import { json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

/** The Concourse version JetBridge speaks; current fly accepts it. */
export const CONCOURSE_VERSION = '8.2.4';
export const WORKER_VERSION = '3.0';

export async function getInfo(req: ApiRequest): Promise<Response> {
  const { externalUrl, clusterName } = req.ctx.settings;
  const info: Info = {
    version: CONCOURSE_VERSION,
    worker_version: WORKER_VERSION,
    feature_flags: {
      global_resources: false,
      build_rerun: false,
      cache_streamed_volumes: false,
      resource_causality: false,
    },
  };
  if (externalUrl) info.external_url = externalUrl;
  if (clusterName) info.cluster_name = clusterName;
  return json(200, info);
}

/**
 * GET /api/v1/info/creds: the configured credential managers by name, without secrets. JetBridge
 * has none (pipelines resolve `((vars))` from instance vars and `dummy` var sources), which
 * Concourse answers with an empty object.
 */
export async function getInfoCreds(): Promise<Response> {
  return json(200, {});
}

export async function getUser(req: ApiRequest): Promise<Response> {
  if (req.caller.kind !== 'user') throw new Error('authn route reached without a user');
  const { claims, teams, isAdmin, displayId } = req.caller;
  const user: UserInfo = {
    sub: claims.sub,
    name: claims.name,
    user_id: claims.federated_claims?.user_id ?? '',
    user_name: claims.preferred_username ?? '',
    email: claims.email,
    is_admin: isAdmin,
    is_system: false,
    teams: Object.fromEntries(teams),
    connector: connectorOf(claims),
    display_user_id: displayId,
  };
  return json(200, user);
}

export async function getHealth(req: ApiRequest): Promise<Response> {
  const timestamp = new Date().toISOString();
  let database: { status: string; error?: string } = { status: 'ok' };
  try {
    await req.ctx.pool.query('SELECT 1');
  } catch (err) {
    database = { status: 'failing', error: (err as Error).message };
  }
  const workers = await req.ctx.pool
    .query<{ total: number; running: number }>(
      `SELECT count(*)::int AS total,
         count(*) FILTER (WHERE state = 'running' AND expires_at > now())::int AS running
       FROM workers`,
    )
    .then((r) => r.rows[0]!)
    .catch(() => ({ total: 0, running: 0 }));
  const healthy = database.status === 'ok';
  return json(healthy ? 200 : 503, {
    status: healthy ? 'ok' : 'failing',
    timestamp,
    database,
    workers: { status: workers.running > 0 ? 'ok' : 'degraded', ...workers },
    components: [],
  });
}
