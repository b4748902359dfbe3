import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from './test-support.ts';

describe('wall and log level', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  it('shows the wall message an admin sets, until it is cleared', async () => {
    assert.deepEqual(await (await api.request('/api/v1/wall')).json(), {});
    const set = await api.request('/api/v1/wall', {
      method: 'PUT',
      as: 'admin',
      body: JSON.stringify({ message: 'maintenance at noon' }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(set.status, 200);
    assert.deepEqual(await (await api.request('/api/v1/wall')).json(), {
      message: 'maintenance at noon',
    });
    await api.request('/api/v1/wall', { method: 'DELETE', as: 'admin' });
    assert.deepEqual(await (await api.request('/api/v1/wall')).json(), {});
  });

  it('changes the log level for an admin and rejects unknown levels', async () => {
    const set = await api.request('/api/v1/log-level', {
      method: 'PUT',
      as: 'admin',
      body: 'debug',
    });
    assert.equal(set.status, 200);
    assert.equal(await (await api.request('/api/v1/log-level', { as: 'admin' })).text(), 'debug');
    const bad = await api.request('/api/v1/log-level', {
      method: 'PUT',
      as: 'admin',
      body: 'loud',
    });
    assert.equal(bad.status, 400);
  });
});
