import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { channels, inTransaction, type Pool } from '@jetbridge/db';
import { startTestApi, type TestApi } from '../api/test-support.ts';
import { appendBuildEvents, logEvent } from '../builds/index.ts';
import { streamBuildEvents } from './build-event-stream.ts';

/** Reads the stream until `done` says the text so far is enough; bounded by `ms`. */
async function readUntil(res: Response, done: (text: string) => boolean, ms = 5000) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = setTimeout(() => void reader.cancel(), ms);
  try {
    while (!done(text)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(deadline);
    await reader.cancel().catch(() => {});
  }
  return text;
}

async function createBuild(api: TestApi, status: string): Promise<number> {
  const team = await api.pool.query("SELECT id FROM teams WHERE name = 'main'");
  const build = await api.pool.query(
    `INSERT INTO builds (team_id, name, status) VALUES ($1, '1', $2) RETURNING id`,
    [team.rows[0].id, status],
  );
  return build.rows[0].id;
}

async function addEvent(api: TestApi, buildId: number, id: number, type: string, data: object) {
  const version = type === 'log' ? '5.1' : '1.0';
  await api.pool.query(
    `INSERT INTO build_events (build_id, event_id, type, version, data) VALUES ($1, $2, $3, $4, $5)`,
    [buildId, id, type, version, JSON.stringify(data)],
  );
  await api.pool.query('UPDATE builds SET event_count = $2 WHERE id = $1', [buildId, id + 1]);
}

const log = (payload: string) => ({ time: 1, origin: { id: 'a', source: 'stdout' }, payload });

describe('build event stream', () => {
  let api: TestApi;
  let completed: number;
  before(async () => {
    api = await startTestApi();
    completed = await createBuild(api, 'succeeded');
    await addEvent(api, completed, 0, 'status', { status: 'started', time: 1 });
    await addEvent(api, completed, 1, 'log', log('hello\n'));
    await addEvent(api, completed, 2, 'status', { status: 'succeeded', time: 2 });
  });
  after(() => api.close());

  it('sends every event with ids from 0, then an end frame with a bare data line', async () => {
    const res = await api.request(`/api/v1/builds/${completed}/events`, { as: 'admin' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(res.headers.get('x-accel-buffering'), 'no');
    const text = await readUntil(res, (t) => t.includes('event: end'));

    const frames = text.split('\n\n').filter(Boolean);
    assert.equal(frames.length, 4);
    assert.equal(
      frames[1],
      'id: 1\nevent: event\ndata: {"data":{"time":1,"origin":{"id":"a","source":"stdout"},' +
        '"payload":"hello\\n"},"event":"log","version":"5.1","event_id":"1"}',
    );
    assert.match(frames[0]!, /^id: 0\nevent: event\ndata: .*"status":"started"/);
    assert.match(frames[2]!, /"status":"succeeded"/);
    assert.equal(frames[3], 'id: 3\nevent: end\ndata');
  });

  it('resumes after Last-Event-ID', async () => {
    const res = await api.request(`/api/v1/builds/${completed}/events`, {
      as: 'admin',
      headers: { 'Last-Event-ID': '1' },
    });
    const text = await readUntil(res, (t) => t.includes('event: end'));
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]);
    assert.deepEqual(ids, ['2', '3']);
  });

  it('rejects an unparseable Last-Event-ID with 400', async () => {
    const res = await api.request(`/api/v1/builds/${completed}/events`, {
      as: 'admin',
      headers: { 'Last-Event-ID': 'x' },
    });
    assert.equal(res.status, 400);
  });

  it('streams the events of a running build as they are stored, ending after its final status', async () => {
    const running = await createBuild(api, 'started');
    await addEvent(api, running, 0, 'status', { status: 'started', time: 1 });
    const res = await api.request(`/api/v1/builds/${running}/events`, { as: 'admin' });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readMore = async (until: string) => {
      const deadline = Date.now() + 5000;
      while (!text.includes(until) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    };

    await readMore('id: 0\n');
    await addEvent(api, running, 1, 'log', log('more\n'));
    await api.ctx.wakeups.notify(channels.buildEvents, String(running));
    await readMore('id: 1\n');
    assert.match(text, /"payload":"more\\n"/);
    assert.doesNotMatch(text, /event: end/);

    await addEvent(api, running, 2, 'status', { status: 'failed', time: 3 });
    await api.pool.query("UPDATE builds SET status = 'failed' WHERE id = $1", [running]);
    await api.ctx.wakeups.notify(channels.buildEvents, String(running));
    await readMore('event: end');
    await reader.cancel();
    assert.match(text, /id: 3\nevent: end\ndata\n\n$/);
  });

  it('sends a log of several reads (MiB of JSON escapes), every event once and in order', async () => {
    const big = await createBuild(api, 'succeeded');
    const count = 250;
    const chunk = (i: number) => `${String(i).padStart(4, '0')}${'\u00e9"\\'.repeat(4000)}\n`;
    await inTransaction(api.pool, (client) =>
      appendBuildEvents(
        client,
        big,
        Array.from({ length: count }, (_, i) =>
          logEvent({ id: 'a', source: 'stdout' }, chunk(i), 1000),
        ),
      ),
    );

    const res = await api.request(`/api/v1/builds/${big}/events`, { as: 'admin' });
    const text = await readUntil(res, (t) => t.includes('event: end'), 20_000);
    const frames = text.split('\n\n').filter(Boolean);
    assert.equal(frames.length, count + 1);
    for (const [i, frame] of frames.slice(0, count).entries()) {
      assert.ok(frame.startsWith(`id: ${i}\nevent: event\ndata: `), `frame ${i}`);
      const envelope = JSON.parse(frame.slice(frame.indexOf('data: ') + 6));
      assert.equal(envelope.event_id, String(i));
      assert.equal(envelope.data.payload, chunk(i));
    }
    assert.equal(frames[count], `id: ${count}\nevent: end\ndata`);
  });

  it('sends the events this replica holds from memory and the rest from Postgres, each once', async () => {
    const build = await createBuild(api, 'succeeded');
    for (let id = 0; id < 7; id += 1) await addEvent(api, build, id, 'log', log(`stored ${id}\n`));
    // Ids 2 to 4 as the step event follower hands them over after its commit; marked so the test
    // can tell where each frame came from.
    api.ctx.recentEvents.add(
      build,
      2,
      [2, 3, 4].map((id) => ({
        type: 'log',
        version: '5.1',
        data: JSON.stringify(log(`held ${id}\n`)),
      })),
    );
    // A reader that has seen up to id 1 continues from memory, then from Postgres past what is held.
    const res = await api.request(`/api/v1/builds/${build}/events`, {
      as: 'admin',
      headers: { 'Last-Event-ID': '1' },
    });
    const text = await readUntil(res, (t) => t.includes('event: end'));
    const payloads = [...text.matchAll(/"payload":"([^"]*)\\n"/g)].map((m) => m[1]);
    assert.deepEqual(payloads, ['held 2', 'held 3', 'held 4', 'stored 5', 'stored 6']);
    assert.match(text, /id: 7\nevent: end\ndata\n\n$/);
  });

  it('reads a log of large events from Postgres a few MiB at a time', async () => {
    const build = await createBuild(api, 'succeeded');
    // Output of control bytes: every byte is six bytes of JSON, a 1.5 MiB event per 256 KiB.
    const payload = (i: number) => `${String(i).padStart(4, '0')}${'\u0001'.repeat(256 * 1024)}`;
    const count = 24;
    for (let i = 0; i < count; i += 1)
      await inTransaction(api.pool, (client) =>
        appendBuildEvents(client, build, [
          logEvent({ id: 'a', source: 'stdout' }, payload(i), 1000),
        ]),
      );
    // The stream's queries, watched on their way back.
    const reads: number[] = [];
    const pool = {
      query: async (text: string, values?: unknown[]) => {
        const result = await api.pool.query(text, values);
        const bytes = result.rows.reduce(
          (sum: number, row: { data?: unknown }) =>
            sum + (typeof row.data === 'string' ? row.data.length : 0),
          0,
        );
        if (bytes > 0) reads.push(bytes);
        return result;
      },
    } as unknown as Pool;
    const res = streamBuildEvents({ ...api.ctx, pool }, build, 0);
    const text = await readUntil(res, (t) => t.includes('event: end'), 30_000);
    const frames = text.split('\n\n').filter(Boolean);
    assert.equal(frames.length, count + 1);
    for (const [i, frame] of frames.slice(0, count).entries())
      assert.equal(JSON.parse(frame.slice(frame.indexOf('data: ') + 6)).data.payload, payload(i));
    const mib = 1024 * 1024;
    assert.ok(reads.length >= 8, `${reads.length} reads`);
    // At most the 4 MiB budget plus the event that crosses it.
    for (const bytes of reads) assert.ok(bytes < 4 * mib + 1.6 * mib, `a read of ${bytes} bytes`);
  });

  it('needs a role on the build team when the pipeline is not public', async () => {
    const anonymous = await api.request(`/api/v1/builds/${completed}/events`);
    assert.equal(anonymous.status, 401);
    const outsider = await api.request(`/api/v1/builds/${completed}/events`, { as: 'carol' });
    assert.equal(outsider.status, 403);
    assert.equal((await api.request('/api/v1/builds/999999/events', { as: 'admin' })).status, 404);
    assert.equal((await api.request('/api/v1/builds/abc/events', { as: 'admin' })).status, 400);
  });
});
