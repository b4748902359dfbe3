import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setPipeline, startTestApi, type TestApi } from './test-support.ts';

const pipeline = `
var_sources:
- name: hooks
  type: dummy
  config: {vars: {token: from-var-source}}
resources:
- name: plain
  type: mock
  webhook_token: s3cret
- name: via-source
  type: mock
  webhook_token: ((hooks:token))
- name: via-instance
  type: mock
  webhook_token: ((branch))-hook
- name: undefined-var
  type: mock
  webhook_token: ((nowhere))
- name: none
  type: mock
jobs:
- name: unit
  plan:
  - get: plain
  - get: via-source
  - get: via-instance
  - get: undefined-var
  - get: none
`;

const P = '/api/v1/teams/main/pipelines/hooked';

describe('resource check webhooks', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
    assert.equal((await setPipeline(api, P, pipeline)).status, 201);
    const instanced = await api.request(`${P}/config?vars.branch=%22feature%22`, {
      method: 'PUT',
      as: 'admin',
      body: pipeline,
      headers: { 'Content-Type': 'application/x-yaml' },
    });
    assert.equal(instanced.status, 201);
  });
  after(() => api.close());

  function hook(resource: string, token: string | null, instanceVars: Record<string, string> = {}) {
    const query = new URLSearchParams(instanceVars);
    if (token !== null) query.set('webhook_token', token);
    return api.request(`${P}/resources/${resource}/check/webhook?${query}`, { method: 'POST' });
  }

  async function pendingChecks(resource: string): Promise<number[]> {
    const found = await api.pool.query<{ id: number }>(
      `SELECT b.id FROM builds b JOIN resources r ON r.id = b.resource_id
       WHERE r.name = $1 AND b.status = 'pending' ORDER BY b.id`,
      [resource],
    );
    return found.rows.map((r) => r.id);
  }

  it('queues a check of the resource for a caller holding its token, without a login', async () => {
    const res = await hook('plain', 's3cret');

    assert.equal(res.status, 201);
    const build = (await res.json()) as Record<string, unknown>;
    assert.equal(build.resource_name, 'plain');
    assert.equal(build.pipeline_name, 'hooked');
    assert.equal(build.status, 'pending');
    assert.deepEqual(await pendingChecks('plain'), [build.id]);
  });

  it('lets a burst of calls share the check that has not started yet', async () => {
    const first = (await (await hook('plain', 's3cret')).json()) as { id: number };
    const second = (await (await hook('plain', 's3cret')).json()) as { id: number };
    assert.equal(second.id, first.id);
  });

  it('answers 401 for a wrong token and 400 without one, queueing nothing', async () => {
    const before = await pendingChecks('none');
    assert.equal((await hook('plain', 'guess')).status, 401);
    assert.equal((await hook('plain', null)).status, 400);
    assert.equal((await hook('plain', '')).status, 400);
    assert.equal((await hook('none', 'anything')).status, 401);
    assert.deepEqual(await pendingChecks('none'), before);
  });

  it('resolves vars in the token from var sources and instance vars', async () => {
    assert.equal((await hook('via-source', 'from-var-source')).status, 201);
    assert.equal((await hook('via-source', '((hooks:token))')).status, 401);
    const instance = { 'vars.branch': '"feature"' };
    assert.equal((await hook('via-instance', 'feature-hook', instance)).status, 201);
    assert.equal((await hook('via-instance', 'feature-hook')).status, 401);
    assert.equal((await hook('undefined-var', '((nowhere))')).status, 401);
  });

  it('answers 404 for an unknown resource or pipeline', async () => {
    assert.equal((await hook('missing', 's3cret')).status, 404);
    const res = await api.request(
      '/api/v1/teams/main/pipelines/nope/resources/plain/check/webhook?webhook_token=s3cret',
      { method: 'POST' },
    );
    assert.equal(res.status, 404);
  });

  it('rejects a present but invalid token like every open route', async () => {
    const res = await api.request(`${P}/resources/plain/check/webhook?webhook_token=s3cret`, {
      method: 'POST',
      headers: { Authorization: 'Bearer nonsense' },
    });
    assert.equal(res.status, 401);
  });
});
