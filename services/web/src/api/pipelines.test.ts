import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setPipeline, startTestApi, type TestApi } from './test-support.ts';

const T = '/api/v1/teams/main';

async function pipeline(api: TestApi, name: string) {
  return (await (await api.request(`${T}/pipelines/${name}`, { as: 'admin' })).json()) as Record<
    string,
    unknown
  >;
}

describe('pipelines, teams and workers', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
    await setPipeline(api, `${T}/pipelines/a`);
    await setPipeline(api, `${T}/pipelines/b`);
  });
  after(() => api.close());

  it('pauses and unpauses a pipeline', async () => {
    assert.equal(
      (await api.request(`${T}/pipelines/a/unpause`, { method: 'PUT', as: 'admin' })).status,
      200,
    );
    assert.equal((await pipeline(api, 'a')).paused, false);
    await api.request(`${T}/pipelines/a/pause`, { method: 'PUT', as: 'admin' });
    const paused = await pipeline(api, 'a');
    assert.equal(paused.paused, true);
    assert.equal(paused.paused_by, 'admin');
  });

  it('exposes a pipeline to anonymous readers and hides it again', async () => {
    await api.request(`${T}/pipelines/a/expose`, { method: 'PUT', as: 'admin' });
    const listed = (await (await api.request(`${T}/pipelines`)).json()) as Array<{ name: string }>;
    assert.deepEqual(
      listed.map((p) => p.name),
      ['a'],
    );
    await api.request(`${T}/pipelines/a/hide`, { method: 'PUT', as: 'admin' });
    assert.deepEqual(await (await api.request(`${T}/pipelines`)).json(), []);
  });

  it('orders pipelines by the names given', async () => {
    const res = await api.request(`${T}/pipelines/ordering`, {
      method: 'PUT',
      as: 'admin',
      body: JSON.stringify(['b', 'a']),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(res.status, 200);
    const listed = (await (await api.request(`${T}/pipelines`, { as: 'admin' })).json()) as Array<{
      name: string;
    }>;
    assert.deepEqual(
      listed.map((p) => p.name),
      ['b', 'a'],
    );

    const unknown = await api.request(`${T}/pipelines/ordering`, {
      method: 'PUT',
      as: 'admin',
      body: JSON.stringify(['zzz']),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(unknown.status, 400);
    assert.equal(await unknown.text(), "pipeline 'zzz' not found");
  });

  it('renames a pipeline', async () => {
    const res = await api.request(`${T}/pipelines/b/rename`, {
      method: 'PUT',
      as: 'admin',
      body: JSON.stringify({ name: 'c' }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(res.status, 200);
    assert.equal((await pipeline(api, 'c')).name, 'c');
    assert.equal((await api.request(`${T}/pipelines/b`, { as: 'admin' })).status, 404);
  });

  it('deletes a pipeline with 204', async () => {
    const res = await api.request(`${T}/pipelines/c`, { method: 'DELETE', as: 'admin' });
    assert.equal(res.status, 204);
    assert.equal((await api.request(`${T}/pipelines/c`, { as: 'admin' })).status, 404);
  });

  it('stops the running builds of a deleted pipeline, and their event streams say so', async () => {
    await setPipeline(api, `${T}/pipelines/doomed`);
    const trigger = await api.request(`${T}/pipelines/doomed/jobs/unit/builds`, {
      method: 'POST',
      as: 'admin',
    });
    const build = (await trigger.json()) as { id: number };
    const stream = await api.request(`/api/v1/builds/${build.id}/events`, { as: 'admin' });
    const aborts: unknown[] = [];
    const listening = api.ctx.bus.subscribeAborts((msg) => aborts.push(msg));
    const res = await api.request(`${T}/pipelines/doomed`, { method: 'DELETE', as: 'admin' });
    assert.equal(res.status, 204);

    const reader = stream.body!.getReader();
    let text = '';
    while (!text.includes('event: end')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    await listening.stop();
    assert.match(text, /deleted with its pipeline/);
    assert.match(text, /"status":"aborted"/);
    // The trigger also queued a check of the job's input: it is stopped with the build.
    assert.deepEqual(
      (aborts as Array<{ buildId: number }>).find((a) => a.buildId === build.id),
      { v: 1, buildId: build.id, reason: 'aborted' },
    );
    assert.equal(aborts.length, 2);
  });

  it('lists only the teams the caller has a role on', async () => {
    const forVic = (await (await api.request('/api/v1/teams', { as: 'vic' })).json()) as Array<{
      name: string;
    }>;
    assert.deepEqual(
      forVic.map((t) => t.name),
      ['t'],
    );
    const forAdmin = (await (await api.request('/api/v1/teams', { as: 'admin' })).json()) as Array<{
      name: string;
    }>;
    assert.deepEqual(
      forAdmin.map((t) => t.name),
      ['main', 'other', 't'],
    );
    const main = (await (await api.request(T, { as: 'admin' })).json()) as Record<string, unknown>;
    assert.deepEqual(main.auth, { owner: { users: ['local:admin'], groups: [] } });
  });

  it('lists the worker row the reaper writes, stalled once its heartbeat lapses', async () => {
    await api.pool.query(
      `INSERT INTO workers (name, expires_at) VALUES ('k8s-ci', now() + interval '30 seconds'),
       ('k8s-old', now() - interval '1 second')`,
    );
    const workers = (await (await api.request('/api/v1/workers', { as: 'vic' })).json()) as Array<{
      name: string;
      state: string;
      version: string;
      platform: string;
    }>;
    assert.deepEqual(
      workers.map((w) => [w.name, w.state, w.version, w.platform]),
      [
        ['k8s-ci', 'running', '3.0', 'linux'],
        ['k8s-old', 'stalled', '3.0', 'linux'],
      ],
    );
  });
});
