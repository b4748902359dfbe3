// Telling a build that finished from one whose lease another replica took or that was deleted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EngineHarness } from '../testing/engine-harness.ts';
import { finishedBuilds } from './build-leases.ts';

const plan = { id: 'p', task: { name: 't', config: { platform: 'linux', run: { path: 'true' } } } };

describe('finished builds', () => {
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.create();
  });
  after(async () => {
    await h.close();
  });

  it('are those with a final status; running and deleted builds are not', async () => {
    const ids: Record<string, number> = {};
    for (const status of ['started', 'pending', 'succeeded', 'failed', 'errored', 'aborted']) {
      ids[status] = await h.createBuild(plan as never);
      await h.pool.query('UPDATE builds SET status = $2 WHERE id = $1', [ids[status], status]);
    }
    const deleted = await h.createBuild(plan as never);
    await h.pool.query('DELETE FROM builds WHERE id = $1', [deleted]);
    const finished = await finishedBuilds(h.pool, [...Object.values(ids), deleted]);
    assert.deepEqual(
      [...finished].sort((a, b) => a - b),
      [ids.succeeded, ids.failed, ids.errored, ids.aborted],
    );
    assert.deepEqual([...(await finishedBuilds(h.pool, []))], []);
  });
});
