import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setPipeline, simplePipeline, startTestApi, type TestApi } from './test-support.ts';

const P = '/api/v1/teams/main/pipelines';

async function counts(api: TestApi) {
  const found = await api.pool.query(
    `SELECT (SELECT count(*) FROM pipelines)::int AS pipelines,
            (SELECT count(*) FROM jobs)::int AS jobs,
            (SELECT count(*) FROM resources)::int AS resources`,
  );
  return found.rows[0];
}

describe('set-pipeline', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  it('creates a paused pipeline with 201, then updates it with 200', async () => {
    const created = await setPipeline(api, `${P}/ci`);
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('content-type'), 'application/json');
    assert.equal(await created.text(), '{}\n');

    const pipeline = await api.request(`${P}/ci`, { as: 'admin' });
    const body = (await pipeline.json()) as { paused: boolean; name: string; team_name: string };
    assert.deepEqual([body.name, body.team_name, body.paused], ['ci', 'main', true]);

    const config = await api.request(`${P}/ci/config`, { as: 'admin' });
    const version = config.headers.get('x-concourse-config-version')!;
    assert.match(version, /^\d+$/);
    const updated = await setPipeline(api, `${P}/ci`, simplePipeline, version);
    assert.equal(updated.status, 200);
    assert.equal(updated.headers.get('content-type'), 'application/json');
  });

  it('returns the stored config and its version', async () => {
    const res = await api.request(`${P}/ci/config`, { as: 'admin' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const { config } = (await res.json()) as {
      config: { jobs: Array<{ name: string }>; resources: Array<{ name: string }> };
    };
    assert.equal(config.jobs[0]!.name, 'unit');
    assert.equal(config.resources[0]!.name, 'repo');
  });

  it('answers 500 when the config changed since the client read it', async () => {
    const res = await setPipeline(api, `${P}/ci`, simplePipeline, '1');
    assert.equal(res.status, 500);
    assert.equal(
      await res.text(),
      'failed to save config: comparison with existing config failed during save',
    );
  });

  it('rejects malformed YAML with 400 and stores nothing', async () => {
    const before = await counts(api);
    const res = await setPipeline(api, `${P}/broken`, 'jobs: [unclosed');
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const { errors } = (await res.json()) as { errors: string[] };
    assert.match(errors[0]!, /^malformed config: /);
    assert.deepEqual(await counts(api), before);
  });

  it('rejects an unknown step type with 400 and stores nothing', async () => {
    const before = await counts(api);
    const res = await setPipeline(
      api,
      `${P}/broken`,
      'jobs:\n- name: j\n  plan:\n  - frobnicate: x\n',
    );
    assert.equal(res.status, 400);
    const { errors } = (await res.json()) as { errors: string[] };
    assert.equal(errors.length, 1);
    assert.deepEqual(await counts(api), before);
  });

  it('reports validation errors in their sections', async () => {
    const res = await setPipeline(
      api,
      `${P}/broken`,
      'resources:\n- name: unused\n  type: mock\njobs:\n- name: j\n  plan:\n  - get: missing\n',
    );
    assert.equal(res.status, 400);
    const { errors } = (await res.json()) as { errors: string[] };
    assert.ok(errors.some((e) => e.startsWith('invalid jobs:\n\t')));
    assert.ok(errors.every((e) => e.endsWith('\n')));
  });

  it('warns about a pipeline name that is not an identifier', async () => {
    const res = await setPipeline(api, `${P}/Bad_Name`);
    assert.equal(res.status, 201);
    const { warnings } = (await res.json()) as { warnings: Array<{ type: string }> };
    assert.equal(warnings[0]!.type, 'invalid_identifier');
  });

  it('rejects other content types with 415', async () => {
    const res = await api.request(`${P}/ci/config`, {
      method: 'PUT',
      as: 'admin',
      body: simplePipeline,
      headers: { 'Content-Type': 'text/plain' },
    });
    assert.equal(res.status, 415);
  });

  it('refuses a config over the size limit with 413', async () => {
    const res = await api.request(`${P}/big/config`, {
      method: 'PUT',
      as: 'admin',
      body: 'x',
      headers: { 'Content-Type': 'application/x-yaml', 'Content-Length': String(21 * 1024 * 1024) },
    });
    assert.equal(res.status, 413);
  });

  it('refuses a pipeline name with a slash, which fly could not address', async () => {
    const res = await setPipeline(api, `${P}/${encodeURIComponent('a/b')}`);
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { errors: ["pipeline name cannot contain '/'"] });
  });

  for (const name of ['with space', 'per%cent', 'plus+sign', 'ünïcødé-流水线']) {
    it(`round-trips the pipeline name ${JSON.stringify(name)}`, async () => {
      const path = `${P}/${encodeURIComponent(name)}`;
      assert.equal((await setPipeline(api, path)).status, 201);
      const res = await api.request(path, { as: 'admin' });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { name: string }).name, name);
      const listed = (await (await api.request(P, { as: 'admin' })).json()) as Array<{
        name: string;
      }>;
      assert.ok(listed.some((p) => p.name === name));
    });
  }

  it('keeps instanced pipelines apart by their instance vars', async () => {
    const vars = `vars.branch=${encodeURIComponent('"feature/x"')}`;
    assert.equal((await setPipeline(api, `${P}/ci`, simplePipeline, '', 'admin')).status, 500);
    const res = await api.request(`${P}/ci/config?${vars}`, {
      method: 'PUT',
      as: 'admin',
      body: simplePipeline,
      headers: { 'Content-Type': 'application/x-yaml' },
    });
    assert.equal(res.status, 201);
    const got = await api.request(`${P}/ci?${vars}`, { as: 'admin' });
    const body = (await got.json()) as { instance_vars: unknown };
    assert.deepEqual(body.instance_vars, { branch: 'feature/x' });
  });
});
