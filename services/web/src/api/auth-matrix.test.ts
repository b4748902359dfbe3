// Walks the whole route table with every kind of caller and checks each route's auth rule is
// enforced. Handlers are replaced by a stub so only authorization decides the status.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { localUserClaims } from '../auth/claims.ts';
import { roleRank, type Role } from '../auth/roles.ts';
import { mintAccessToken } from '../auth/token.ts';
import { createApiApp } from '../server.ts';
import type { AuthRule, Route } from './route-table.ts';
import { apiRoutes } from './routes.ts';
import { PASSWORD, setPipeline, startTestApi, teamRoles, type TestApi } from './test-support.ts';

const pipelineYaml = `
resource_types:
- name: custom
  type: registry-image
  source: {repository: example/custom}
resources:
- name: repo
  type: custom
  source: {}
jobs:
- name: unit
  plan:
  - get: repo
`;

type CallerName =
  | keyof typeof teamRoles
  | 'admin'
  | 'carol'
  | 'anonymous'
  | 'expired'
  | 'garbage'
  | 'pete-browser'
  | 'pete-browser-no-csrf';
const callers: CallerName[] = [
  ...(Object.keys(teamRoles) as Array<keyof typeof teamRoles>),
  'admin',
  'carol',
  'anonymous',
  'expired',
  'garbage',
  'pete-browser',
  'pete-browser-no-csrf',
];

/** Browser callers are pete through the session cookie; without the CSRF token only reads pass. */
function expectedFor(route: Route, caller: CallerName): 'ok' | 401 | 403 {
  if (caller === 'pete-browser-no-csrf' && route.method !== 'GET') {
    return 401;
  }
  if (caller === 'pete-browser' || caller === 'pete-browser-no-csrf') {
    return expected(route.auth, 'pete');
  }
  return expected(route.auth, caller);
}

/** 'ok', 401 or 403 for a caller on a route of team `t` whose pipeline is private. */
function expected(
  rule: AuthRule,
  caller: Exclude<CallerName, 'pete-browser' | 'pete-browser-no-csrf'>,
): 'ok' | 401 | 403 {
  if (caller === 'expired' || caller === 'garbage') return 401;
  if (rule.kind === 'open') return 'ok';
  if (caller === 'anonymous') return 401;
  if (rule.kind === 'authn' || caller === 'admin') return 'ok';
  if (rule.kind === 'admin') return 403;
  const role: Role | undefined = caller === 'carol' ? undefined : teamRoles[caller];
  if (rule.kind === 'any-team') return 'ok';
  const required: Role =
    rule.kind === 'build-read'
      ? 'viewer'
      : rule.kind === 'team' || rule.kind === 'pipeline' || rule.kind === 'build-write'
        ? rule.role
        : 'viewer';
  return role && roleRank[role] >= roleRank[required] ? 'ok' : 403;
}

describe('the authorization matrix over the route table', () => {
  let api: TestApi;
  let app: ReturnType<typeof createApiApp>;
  const params: Record<string, string> = {
    team_name: 't',
    pipeline_name: 'p',
    job_name: 'unit',
    resource_name: 'repo',
    resource_type_name: 'custom',
    build_name: '1',
    id: 'handle-1',
    worker_name: 'k8s-ci',
    artifact_id: '1',
    step_name: 'test',
  };
  const headers = new Map<CallerName, Record<string, string>>();

  before(async () => {
    api = await startTestApi();
    assert.equal(
      (await setPipeline(api, '/api/v1/teams/t/pipelines/p', pipelineYaml, '', 'olive')).status,
      201,
    );
    const build = await api.request('/api/v1/teams/t/pipelines/p/jobs/unit/builds', {
      method: 'POST',
      as: 'olive',
    });
    params.build_id = String(((await build.json()) as { id: number }).id);
    const version = await api.pool.query(
      `INSERT INTO resource_versions (resource_id, config_hash, version, version_sha256)
       SELECT id, config_hash, '{"ref":"a"}', 'a' FROM resources WHERE name = 'repo' RETURNING id`,
    );
    params.resource_config_version_id = String(version.rows[0].id);
    await api.pool.query(
      `INSERT INTO containers (handle, pod_name, team_id, build_id, type, state, worker_name)
       SELECT 'handle-1', 'pod-1', id, $1, 'task', 'created', 'k8s-ci' FROM teams WHERE name = 't'`,
      [Number(params.build_id)],
    );

    const expiredToken = mintAccessToken(new Date(Date.now() - 1000));
    await api.pool.query(
      `INSERT INTO access_tokens (token, claims, expires_at) VALUES ($1, $2, now() - interval '1 second')`,
      [expiredToken, JSON.stringify(localUserClaims('olive', 'x', new Date(), new Date()))],
    );
    const login = await api.request('/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `username=pete&password=${PASSWORD}`,
    });
    const cookies = new Map(
      login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0]!.split(/=(.*)/s).slice(0, 2)) as Array<[string, string]>,
    );
    const cookie = `skymarshal_auth=${cookies.get('skymarshal_auth')}`;
    for (const caller of callers) {
      if (caller === 'pete-browser') {
        headers.set(caller, { Cookie: cookie, 'X-Csrf-Token': cookies.get('skymarshal_csrf')! });
      } else if (caller === 'pete-browser-no-csrf') headers.set(caller, { Cookie: cookie });
      else if (caller === 'anonymous') headers.set(caller, {});
      else if (caller === 'expired')
        headers.set(caller, { Authorization: `Bearer ${expiredToken}` });
      else if (caller === 'garbage') headers.set(caller, { Authorization: 'Bearer nonsense' });
      else headers.set(caller, { Authorization: await api.auth(caller) });
    }

    const stub = async () => new Response('stub', { status: 200 });
    const stubbed: Route[] = apiRoutes.map((r) => ({ ...r, handler: stub }));
    app = createApiApp(api.ctx, stubbed);
  });
  after(() => api.close());

  it('gives every route an auth rule', () => {
    for (const route of apiRoutes) assert.ok(route.auth?.kind, `${route.method} ${route.path}`);
  });

  for (const route of apiRoutes) {
    it(`enforces ${route.auth.kind} on ${route.method} ${route.path}`, async () => {
      const path = route.path.replace(/:(\w+)/g, (_, name: string) => {
        assert.ok(params[name], `no value for :${name}`);
        return encodeURIComponent(params[name]!);
      });
      for (const caller of callers) {
        const res = await app.request(path, { method: route.method, headers: headers.get(caller) });
        const want = expectedFor(route, caller);
        const got = res.status === 401 || res.status === 403 ? res.status : 'ok';
        assert.equal(got, want, `${caller}: ${route.method} ${path} answered ${res.status}`);
        if (got === 401) assert.equal(await res.text(), 'not authorized');
        if (got === 403) assert.equal(await res.text(), 'forbidden');
        if (got === 'ok') assert.equal(res.status, 200, `${caller}: ${route.method} ${path}`);
      }
    });
  }

  it('answers 403 before 404 for a team that does not exist', async () => {
    const res = await app.request('/api/v1/teams/nope', { headers: headers.get('vic') });
    assert.equal(res.status, 403);
    const admin = await app.request('/api/v1/teams/nope', { headers: headers.get('admin') });
    assert.equal(admin.status, 404);
  });

  it('lets anyone read a public pipeline, and the builds of its public jobs only', async () => {
    await api.pool.query("UPDATE pipelines SET public = true WHERE name = 'p'");
    try {
      for (const route of apiRoutes) {
        const rule = route.auth;
        if (route.method !== 'GET' || (rule.kind !== 'pipeline' && rule.kind !== 'build-read')) {
          continue;
        }
        const path = route.path.replace(/:(\w+)/g, (_, name: string) => params[name]!);
        const jobPublic = rule.kind === 'build-read' ? rule.jobPublic : rule.jobPublic === true;
        for (const caller of ['anonymous', 'carol'] as const) {
          const res = await app.request(path, { headers: headers.get(caller) });
          const want = !jobPublic ? 200 : caller === 'anonymous' ? 401 : 403;
          assert.equal(res.status, want, `${caller}: GET ${path} (job 'unit' is not public)`);
        }
      }
      await api.pool.query("UPDATE jobs SET public = true WHERE name = 'unit'");
      for (const path of [
        '/api/v1/teams/t/pipelines/p/jobs/unit/builds',
        `/api/v1/builds/${params.build_id}/events`,
      ]) {
        assert.equal((await app.request(path)).status, 200, path);
      }
    } finally {
      await api.pool.query("UPDATE jobs SET public = false WHERE name = 'unit'");
      await api.pool.query("UPDATE pipelines SET public = false WHERE name = 'p'");
    }
  });

  it('lets anyone read a public pipeline', async () => {
    await api.pool.query("UPDATE pipelines SET public = true WHERE name = 'p'");
    const res = await app.request('/api/v1/teams/t/pipelines/p/jobs', {});
    assert.equal(res.status, 200);
    await api.pool.query("UPDATE pipelines SET public = false WHERE name = 'p'");
  });
});
