import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { fly, spawnFly } from './index.ts';
import { FakeConcourse, flyHome, json, sseEvent, sseHeaders } from './fake-concourse.ts';

const JOB_BUILDS = '/api/v1/teams/main/pipelines/my%20pipe/jobs/unit/builds';
const EVENTS = '/api/v1/builds/42/events';
const t = 1700000000;

function log(id: number, payload: string): string {
  return sseEvent(id, 'log', '5.1', { time: t, origin: { id: 'a', source: 'stdout' }, payload });
}

function status(id: number, value: string): string {
  return sseEvent(id, 'status', '1.0', { status: value, time: t });
}

function stream(...frames: string[]) {
  return (_req: unknown, res: ServerResponse) => {
    sseHeaders(res);
    res.write(frames.join(''));
  };
}

describe('fly trigger-job -w', () => {
  const server = new FakeConcourse();
  let api = '';
  let home = '';

  before(async () => {
    api = await server.start();
    home = await flyHome(api);
    server.on(
      'POST',
      JOB_BUILDS,
      json(200, { id: 42, name: '7', status: 'pending', team_name: 'main' }),
    );
  });
  after(() => server.stop());

  async function watchWith(...frames: string[]) {
    server.on('GET', EVENTS, stream(...frames));
    const result = await fly(['-t', 'test', 'trigger-job', '-j', 'my pipe/unit', '-w'], {
      home,
      timeoutMs: 10_000,
    });
    return result;
  }

  for (const [final, code] of [
    ['succeeded', 0],
    ['failed', 1],
    ['errored', 2],
    ['aborted', 3],
  ] as const) {
    it(`exits ${code} when the build ${final}`, async () => {
      const result = await watchWith(status(0, 'started'), log(1, 'hello\n'), status(2, final));
      assert.equal(result.stdout, `started my pipe/unit #7\n\nhello\n${final}\n`);
      assert.equal(result.exitCode, code);
    });
  }

  it('renders task steps and exits with the task exit status', async () => {
    const config = { platform: 'linux', run: { path: 'sh', args: ['-c', 'exit 5'] } };
    const result = await watchWith(
      sseEvent(0, 'initialize-task', '4.0', { time: t, origin: { id: 'a' }, config }),
      sseEvent(1, 'start-task', '5.0', { time: t, origin: { id: 'a' }, config }),
      sseEvent(2, 'selected-worker', '1.0', {
        time: t,
        origin: { id: 'a' },
        selected_worker: 'k8s-ns',
      }),
      sseEvent(3, 'finish-task', '4.0', { time: t, origin: { id: 'a' }, exit_status: 5 }),
      sseEvent(4, 'error', '4.1', { time: t, origin: { id: 'a' }, message: 'boom' }),
      status(5, 'failed'),
    );
    assert.equal(
      result.stdout,
      'started my pipe/unit #7\n\n\x1b[1minitializing\x1b[0m\n\x1b[1mrunning sh -c exit 5\x1b[0m\n' +
        '\x1b[1mselected worker:\x1b[0m k8s-ns\nboom\nfailed\n',
    );
    assert.equal(result.exitCode, 5);
  });

  it('fails on an unknown SSE event name', async () => {
    const result = await watchWith('id: 0\nevent: nope\ndata: {}\n\n');
    assert.equal(
      result.stdout,
      'started my pipe/unit #7\n\nfailed to parse next event: unknown event name: nope\n',
    );
    assert.equal(result.exitCode, 255);
  });

  it('fails on an unknown event type and on an unknown major version', async () => {
    const unknownType = await watchWith(sseEvent(0, 'made-up', '1.0', {}));
    assert.match(unknownType.stdout, /failed to parse next event: unknown event type: made-up\n$/);
    assert.equal(unknownType.exitCode, 255);

    const unknownVersion = await watchWith(
      sseEvent(0, 'status', '2.0', { status: 'succeeded', time: t }),
    );
    assert.match(
      unknownVersion.stdout,
      /unknown event version: status version 2\.0 \(supported versions: 1\.0\)\n$/,
    );
    assert.equal(unknownVersion.exitCode, 255);
  });

  it('crashes like fly when an envelope has no data', async () => {
    const result = await watchWith(
      'id: 0\nevent: event\ndata: {"event":"log","version":"5.1"}\n\n',
    );
    assert.equal(result.exitCode, 2);
    assert.match(
      result.stderr,
      /^panic: runtime error: invalid memory address or nil pointer dereference/,
    );
  });

  it('exits 255 on a status fly does not know', async () => {
    const result = await watchWith(status(0, 'pending'));
    assert.equal(result.stdout, 'started my pipe/unit #7\n\nunknown status: pending');
    assert.equal(result.exitCode, 255);
  });

  it('ignores frames without data and ends at the end frame', async () => {
    const result = await watchWith(
      'id: 0\nevent: event\n\n',
      log(1, 'x\n'),
      'id: 2\nevent: end\ndata\n\n',
    );
    assert.equal(result.stdout, 'started my pipe/unit #7\n\nx\n');
    assert.equal(result.exitCode, 0);
  });

  it('reconnects with Last-Event-ID after the stream breaks', async () => {
    server.on('GET', EVENTS, (_req, res) => {
      sseHeaders(res);
      res.write(status(0, 'started') + log(1, 'one\n'), () => res.destroy());
    });
    server.on('GET', EVENTS, (_req, res) => {
      res.writeHead(503).end();
    });
    server.on('GET', EVENTS, stream(log(2, 'two\n'), status(3, 'succeeded')));
    const before = server.find('GET', EVENTS).length;

    const result = await fly(['-t', 'test', 'trigger-job', '-j', 'my pipe/unit', '-w'], {
      home,
      timeoutMs: 10_000,
    });

    assert.equal(result.stdout, 'started my pipe/unit #7\n\none\ntwo\nsucceeded\n');
    assert.equal(result.exitCode, 0);
    const calls = server.find('GET', EVENTS).slice(before);
    assert.equal(calls.length, 3);
    assert.equal(calls[0]?.headers['last-event-id'], undefined);
    assert.equal(calls[1]?.headers['last-event-id'], '1');
    assert.equal(calls[2]?.headers['last-event-id'], '1');
  });

  it('detaches on interrupt with the re-attach hint and exit 2', async () => {
    server.on('GET', EVENTS, stream(status(0, 'started'), log(1, 'working\n')));
    const proc = spawnFly(['-t', 'test', 'trigger-job', '-j', 'my pipe/unit', '-w'], {
      home,
      timeoutMs: 10_000,
    });
    await proc.waitForOutput(/working/, 5_000);
    proc.interrupt();
    const result = await proc.result;
    assert.equal(result.exitCode, 2);
    assert.equal(
      result.stderr,
      '\ndetached, build is still running...\nre-attach to it with:\n\n    fly -t test watch -j my pipe/unit -b 7\n\n',
    );
  });

  it('reports a bad response from the event source', async () => {
    server.on('GET', EVENTS, json(404, { errors: [] }));
    const result = await fly(['-t', 'test', 'trigger-job', '-j', 'my pipe/unit', '-w'], {
      home,
      timeoutMs: 10_000,
    });
    assert.equal(result.stderr, 'error: bad response from event source: 404 Not Found\n');
    assert.equal(result.exitCode, 1);
  });
});
