import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentBuildEvents } from './recent-build-events.ts';

const log = (text: string) => ({ type: 'log', version: '5.1', data: JSON.stringify({ text }) });
const ids = (events: { event_id: number }[] | null) => events?.map((e) => e.event_id) ?? null;

describe('recent build events', () => {
  it('hands out held events from an id, at most as many as asked', () => {
    const recent = new RecentBuildEvents();
    recent.add(1, 4, [log('a'), log('b'), log('c')]);
    assert.deepEqual(ids(recent.read(1, 4, 10)), [4, 5, 6]);
    assert.deepEqual(ids(recent.read(1, 5, 1)), [5]);
    assert.equal(recent.read(1, 6, 10)![0]!.data, '{"text":"c"}');
    // Not held: older, not added yet, another build.
    assert.equal(recent.read(1, 3, 10), null);
    assert.equal(recent.read(1, 7, 10), null);
    assert.equal(recent.read(2, 4, 10), null);
  });

  it('holds one run of consecutive ids: events after a gap replace what was held', () => {
    const recent = new RecentBuildEvents();
    recent.add(1, 0, [log('a'), log('b')]);
    recent.add(1, 2, [log('c')]);
    assert.deepEqual(ids(recent.read(1, 0, 10)), [0, 1, 2]);
    // Id 3 was stored by someone else (a status event): 4 on does not join the run.
    recent.add(1, 4, [log('e')]);
    assert.equal(recent.read(1, 0, 10), null);
    assert.equal(recent.read(1, 3, 10), null);
    assert.deepEqual(ids(recent.read(1, 4, 10)), [4]);
  });

  it('drops the oldest events of a build past its byte limit, and whole builds past the total', () => {
    const recent = new RecentBuildEvents({ perBuild: 40, total: 60 });
    const ten = log('1234'); // 15 bytes of JSON
    recent.add(1, 0, [ten, ten, ten, ten]);
    assert.deepEqual(ids(recent.read(1, 0, 10)), null);
    assert.deepEqual(ids(recent.read(1, 2, 10)), [2, 3]);
    assert.equal(recent.bytes, 30);
    recent.add(2, 0, [ten, ten]);
    assert.equal(recent.bytes, 60);
    recent.add(3, 0, [ten]);
    // Build 1 was added to least recently: it goes.
    assert.equal(recent.read(1, 2, 10), null);
    assert.deepEqual(ids(recent.read(2, 0, 10)), [0, 1]);
    assert.deepEqual(ids(recent.read(3, 0, 10)), [0]);
    assert.equal(recent.bytes, 45);
    recent.forget(2);
    assert.equal(recent.bytes, 15);
  });

  it('keeps serving after many drops from the front', () => {
    const recent = new RecentBuildEvents({ perBuild: 15 * 100, total: 1e9 });
    for (let id = 0; id < 5000; id += 1) recent.add(1, id, [log(String(id % 10).repeat(4))]);
    assert.deepEqual(ids(recent.read(1, 4900, 3)), [4900, 4901, 4902]);
    assert.equal(recent.read(1, 4899, 3), null);
    assert.equal(recent.bytes, 1500);
  });

  it('tells subscribers of a build when its events are added', () => {
    const recent = new RecentBuildEvents();
    const calls: string[] = [];
    const stop = recent.subscribe(1, () => calls.push('one'));
    recent.subscribe(2, () => calls.push('two'));
    recent.add(1, 0, [log('a')]);
    stop();
    recent.add(1, 1, [log('b')]);
    recent.add(2, 0, [log('c')]);
    assert.deepEqual(calls, ['one', 'two']);
  });
});
