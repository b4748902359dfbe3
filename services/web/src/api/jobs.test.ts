import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setPipeline, startTestApi, type TestApi } from './test-support.ts';

const P = '/api/v1/teams/main/pipelines/ci';
const J = `${P}/jobs/unit`;

describe('jobs and builds', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
    assert.equal((await setPipeline(api, P)).status, 201);
  });
  after(() => api.close());

  it('triggers pending builds named 1, then 2, created by the caller', async () => {
    const first = await api.request(`${J}/builds`, { method: 'POST', as: 'admin' });
    assert.equal(first.status, 200);
    const one = (await first.json()) as Record<string, unknown>;
    assert.equal(one.name, '1');
    assert.equal(one.status, 'pending');
    assert.equal(one.job_name, 'unit');
    assert.equal(one.pipeline_name, 'ci');
    assert.equal(one.created_by, 'admin');
    assert.equal(one.api_url, `/api/v1/builds/${one.id}`);

    const second = await api.request(`${J}/builds`, { method: 'POST', as: 'admin' });
    assert.equal(((await second.json()) as { name: string }).name, '2');
  });

  it('shows the oldest running build as the next build of the job', async () => {
    const res = await api.request(J, { as: 'admin' });
    const job = (await res.json()) as {
      next_build: { name: string };
      finished_build: null;
      inputs: unknown[];
    };
    assert.equal(job.next_build.name, '1');
    assert.equal(job.finished_build, null);
    assert.deepEqual(job.inputs, [{ name: 'repo', resource: 'repo', trigger: true }]);
  });

  it('pages job builds newest first with Link headers', async () => {
    await api.request(`${J}/builds`, { method: 'POST', as: 'admin' });
    const page = await api.request(`${J}/builds?limit=2`, { as: 'admin' });
    const names = ((await page.json()) as Array<{ name: string; id: number }>).map((b) => b.name);
    assert.deepEqual(names, ['3', '2']);
    const links = page.headers.get('link') ?? '';
    const next = /<([^>]+)>; rel="next"/.exec(links)?.[1];
    assert.ok(next, links);
    assert.doesNotMatch(links, /rel="previous"/);

    const older = await api.request(new URL(next).pathname + new URL(next).search, { as: 'admin' });
    const olderNames = ((await older.json()) as Array<{ name: string }>).map((b) => b.name);
    assert.deepEqual(olderNames, ['1']);
    const olderLinks = older.headers.get('link') ?? '';
    assert.match(olderLinks, /rel="previous"/);
    assert.doesNotMatch(olderLinks, /rel="next"/);
    const previous = /<([^>]+)>; rel="previous"/.exec(olderLinks)![1]!;
    const newer = await api.request(new URL(previous).pathname + new URL(previous).search, {
      as: 'admin',
    });
    assert.deepEqual(
      ((await newer.json()) as Array<{ name: string }>).map((b) => b.name),
      ['3', '2'],
    );
  });

  it('lists the same builds for the pipeline, the team and everyone', async () => {
    for (const path of [`${P}/builds`, '/api/v1/teams/main/builds', '/api/v1/builds']) {
      const res = await api.request(path, { as: 'admin' });
      assert.equal(((await res.json()) as unknown[]).length, 3, path);
    }
    const anonymous = await api.request('/api/v1/builds');
    assert.deepEqual(await anonymous.json(), []);
  });

  it('finds a job build by name', async () => {
    const res = await api.request(`${J}/builds/2`, { as: 'admin' });
    assert.equal(((await res.json()) as { name: string }).name, '2');
    assert.equal((await api.request(`${J}/builds/99`, { as: 'admin' })).status, 404);
  });

  it('marks a build aborted, and finishes it at once with force', async () => {
    const build = (await (await api.request(`${J}/builds/1`, { as: 'admin' })).json()) as {
      id: number;
    };
    const res = await api.request(`/api/v1/builds/${build.id}/abort`, {
      method: 'PUT',
      as: 'admin',
    });
    assert.equal(res.status, 204);
    const row = await api.pool.query('SELECT aborted, status FROM builds WHERE id = $1', [
      build.id,
    ]);
    assert.deepEqual(row.rows[0], { aborted: true, status: 'pending' });

    const aborts: unknown[] = [];
    const listening = api.ctx.bus.subscribeAborts((msg) => aborts.push(msg));
    await api.request(`/api/v1/builds/${build.id}/abort?force`, { method: 'PUT', as: 'admin' });
    const deadline = Date.now() + 5000;
    while (aborts.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    await listening.stop();
    assert.deepEqual(aborts, [{ v: 1, buildId: build.id, reason: 'aborted' }]);
    const got = (await (
      await api.request(`/api/v1/builds/${build.id}`, { as: 'admin' })
    ).json()) as {
      status: string;
      end_time: number;
    };
    assert.equal(got.status, 'aborted');
    assert.ok(got.end_time > 0);
  });

  it('refuses to trigger a job of an archived pipeline', async () => {
    await setPipeline(api, `/api/v1/teams/main/pipelines/old`);
    await api.request('/api/v1/teams/main/pipelines/old/archive', { method: 'PUT', as: 'admin' });
    const res = await api.request('/api/v1/teams/main/pipelines/old/jobs/unit/builds', {
      method: 'POST',
      as: 'admin',
    });
    assert.equal(res.status, 409);
    assert.equal(await res.text(), 'action not allowed for an archived pipeline');
    const config = await api.request('/api/v1/teams/main/pipelines/old/config', { as: 'admin' });
    assert.equal(config.status, 404);
  });

  it('answers 404 with a JSON:API error for an unknown job', async () => {
    const res = await api.request(`${P}/jobs/nope`, { as: 'admin' });
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { errors: [{ detail: "job 'nope' not found" }] });
  });

  it('shows the finished build and the build where the finished status last changed', async () => {
    await api.pool.query(
      `UPDATE builds SET status = CASE name WHEN '1' THEN 'failed' ELSE 'succeeded' END
       WHERE job_id = (SELECT id FROM jobs WHERE name = 'unit' AND pipeline_id =
         (SELECT id FROM pipelines WHERE name = 'ci'))`,
    );
    const job = (await (await api.request(J, { as: 'admin' })).json()) as {
      next_build: null;
      finished_build: { name: string };
      transition_build: { name: string };
    };
    assert.equal(job.next_build, null);
    assert.equal(job.finished_build.name, '3');
    assert.equal(job.transition_build.name, '2');
  });
});
