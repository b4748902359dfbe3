import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { firstEventId } from '../events/build-event-stream.ts';
import { setPipeline, startTestApi, type TestApi } from './test-support.ts';

const P = '/api/v1/teams/main/pipelines/ci';

describe('bad input to the API', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
    await setPipeline(api, P);
  });
  after(() => api.close());

  for (const [method, path] of [
    ['PUT', '/api/v1/teams/main'],
    ['PUT', '/api/v1/teams/main/rename'],
    ['PUT', `${P}/rename`],
    ['PUT', `${P}/resources/repo/pin_comment`],
    ['PUT', '/api/v1/wall'],
  ] as const) {
    for (const body of ['null', '[]', '7']) {
      it(`answers 400, not 500, to a body of ${body} on ${method} ${path}`, async () => {
        const res = await api.request(path, {
          method,
          as: 'admin',
          body,
          headers: { 'Content-Type': 'application/json' },
        });
        assert.equal(res.status, 400, await res.text());
      });
    }
  }

  it('takes a check request with a null body as a check without a version', async () => {
    const res = await api.request(`${P}/resources/repo/check`, {
      method: 'POST',
      as: 'admin',
      body: 'null',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(res.status, 201, await res.text());
  });

  for (const body of [
    '',
    'not json',
    '[]',
    '{"from":"v1"}',
    '{"from":{"v":1}}',
    '{"shallow":"no"}',
  ]) {
    it(`answers 400 to the check request ${JSON.stringify(body)}, queueing nothing`, async () => {
      const before = await api.pool.query('SELECT count(*)::int AS n FROM builds');
      const res = await api.request(`${P}/resources/repo/check`, {
        method: 'POST',
        as: 'admin',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
      assert.equal(res.status, 400, await res.text());
      const after = await api.pool.query('SELECT count(*)::int AS n FROM builds');
      assert.equal(after.rows[0].n, before.rows[0].n);
    });
  }

  for (const path of [
    '/api/v1/builds/99999999999',
    '/api/v1/builds/99999999999/plan',
    '/api/v1/builds/99999999999/events',
    '/api/v1/teams/main/artifacts/99999999999',
    `${P}/resources/repo/versions/99999999999`,
  ]) {
    it(`answers 404, not 500, to an id past the integer range: ${path}`, async () => {
      const res = await api.request(path, { as: 'admin' });
      assert.equal(res.status, 404, await res.text());
    });
  }

  it('clamps id bounds past the integer range in lists and filters', async () => {
    for (const path of [
      '/api/v1/builds?from=99999999999',
      '/api/v1/teams/main/containers?build_id=99999999999',
      `${P}/resources/repo/versions?to=99999999999`,
    ]) {
      const res = await api.request(path, { as: 'admin' });
      assert.equal(res.status, 200, `${path}: ${await res.text()}`);
    }
  });

  it('reads a Last-Event-ID past the integer range as the end of the stream', () => {
    assert.equal(firstEventId('99999999999999999999'), 2_147_483_647);
    assert.throws(() => firstEventId('abc'), /not a number/);
  });
});
