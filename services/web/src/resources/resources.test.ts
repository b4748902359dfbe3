import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '@jetbridge/db';
import type { PipelineConfig } from '@jetbridge/pipeline';
import { createTestWorld, type TestWorld } from '../scheduler/test-pipeline.ts';
import {
  latestVersion,
  listVersions,
  saveCheckedVersions,
  saveResourceVersions,
  versionSha256,
} from './index.ts';

const config = {
  resources: [{ name: 'repo', type: 'mock', source: {} }],
  jobs: [{ name: 'unit', plan: [{ get: 'repo' }] }],
} as PipelineConfig;

describe('resource versions', () => {
  let world: TestWorld;
  before(async () => {
    world = await createTestWorld();
  });
  after(async () => {
    await world.close();
  });

  async function order(resourceId: number): Promise<string[]> {
    const listed = await inTransaction(world.pool, (c) => listVersions(c, resourceId));
    return listed.versions.map((v) => v.version.version!);
  }

  it('identifies a version by its sorted-key JSON', () => {
    assert.equal(versionSha256({ a: '1', b: '2' }), versionSha256({ b: '2', a: '1' }));
    assert.notEqual(
      versionSha256({ version: 'a' }),
      versionSha256({ privileged: 'true', version: 'a' }),
    );
  });

  it('moves every returned version to the top when one of them is new', async () => {
    const p = await world.createPipeline(config);
    const repo = p.resources.repo!;
    await world.check(repo, { version: 'a' }, { version: 'b' }, { version: 'c' });

    await world.check(repo, { version: 'a' }, { version: 'd' });

    assert.deepEqual(await order(repo), ['d', 'a', 'c', 'b']);
  });

  it('moves nothing when no returned version is new', async () => {
    const p = await world.createPipeline(config);
    const repo = p.resources.repo!;
    await world.check(repo, { version: 'a' }, { version: 'b' });

    const saved = await inTransaction(world.pool, (c) =>
      saveCheckedVersions(c, { resourceId: repo }, [{ version: 'a' }]),
    );

    assert.equal(saved.newVersions, 0);
    assert.deepEqual(await order(repo), ['b', 'a']);
  });

  it('keeps versions whose keys differ apart and key order together', async () => {
    const p = await world.createPipeline(config);
    const repo = p.resources.repo!;
    await world.check(repo, { version: 'a', x: '1' });
    await world.check(repo, { x: '1', version: 'a' }, { version: 'a' });

    assert.deepEqual(await order(repo), ['a', 'a']);
    const listed = await inTransaction(world.pool, (c) => listVersions(c, repo));
    assert.deepEqual(listed.versions[0]!.version, { version: 'a' });
  });

  it('records the check on the resource', async () => {
    const p = await world.createPipeline(config);
    await world.pool.query("UPDATE resources SET check_error = 'boom' WHERE id = $1", [
      p.resources.repo,
    ]);

    await world.check(p.resources.repo!);

    const row = await world.pool.query(
      'SELECT last_checked, check_error FROM resources WHERE id = $1',
      [p.resources.repo],
    );
    assert.notEqual(row.rows[0].last_checked, null);
    assert.equal(row.rows[0].check_error, null);
  });

  it('makes a put version the latest and saves get metadata on a known version', async () => {
    const p = await world.createPipeline(config);
    const repo = p.resources.repo!;
    await world.check(repo, { version: 'a' }, { version: 'b' });

    const put = await inTransaction(world.pool, (c) =>
      saveResourceVersions(c, repo, { version: 'p' }, [{ name: 'by', value: 'put' }]),
    );
    const get = await inTransaction(world.pool, (c) =>
      saveResourceVersions(c, repo, { version: 'a' }, [{ name: 'commit', value: 'a' }]),
    );

    assert.equal(put.isNew, true);
    assert.equal(get.isNew, false);
    const latest = await inTransaction(world.pool, (c) => latestVersion(c, { resourceId: repo }));
    assert.deepEqual(latest!.version, { version: 'p' });
    const listed = await inTransaction(world.pool, (c) => listVersions(c, repo));
    assert.deepEqual(listed.versions.at(-1)!.metadata, [{ name: 'commit', value: 'a' }]);
  });

  it('pages versions newest first and filters by version fields', async () => {
    const p = await world.createPipeline(config);
    const repo = p.resources.repo!;
    await world.check(repo, ...['1', '2', '3', '4', '5'].map((v) => ({ version: v })));

    const first = await inTransaction(world.pool, (c) => listVersions(c, repo, { limit: 2 }));
    assert.deepEqual(
      first.versions.map((v) => v.version.version),
      ['5', '4'],
    );
    assert.equal(first.pagination.previous, undefined);
    const second = await inTransaction(world.pool, (c) =>
      listVersions(c, repo, { limit: 2, to: first.pagination.next!.to }),
    );
    assert.deepEqual(
      second.versions.map((v) => v.version.version),
      ['3', '2'],
    );
    const back = await inTransaction(world.pool, (c) =>
      listVersions(c, repo, { limit: 2, from: second.pagination.previous!.from }),
    );
    assert.deepEqual(
      back.versions.map((v) => v.version.version),
      ['5', '4'],
    );

    const filtered = await inTransaction(world.pool, (c) =>
      listVersions(c, repo, { filter: { version: '3' } }),
    );
    assert.deepEqual(
      filtered.versions.map((v) => v.version.version),
      ['3'],
    );
  });
});
