import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { setPipeline, startTestApi, type TestApi } from './api/test-support.ts';
import { startHttpServer, type RunningServer } from './server.ts';

describe('the web server', () => {
  let api: TestApi;
  let server: RunningServer;
  let base: string;
  before(async () => {
    api = await startTestApi();
    server = await startHttpServer(api.ctx, api.app);
    base = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server.close();
    await api.close();
  });

  it('serves info with the version header and Go-style JSON', async () => {
    const res = await fetch(`${base}/api/v1/info`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-concourse-version'), '8.2.4');
    assert.equal(res.headers.get('content-type'), 'application/json');
    const text = await res.text();
    assert.ok(text.endsWith('}\n'));
    const info = JSON.parse(text) as Record<string, unknown>;
    assert.equal(info.version, '8.2.4');
    assert.equal(info.worker_version, '3.0');
    assert.equal(info.external_url, 'http://jetbridge.test');
  });

  it('answers 401 not authorized on a team route without a token', async () => {
    const res = await fetch(`${base}/api/v1/teams/main/pipelines/x/config`);
    assert.equal(res.status, 401);
    assert.equal(await res.text(), 'not authorized');
    assert.equal(res.headers.get('x-concourse-version'), '8.2.4');
  });

  it('answers unknown routes with 404', async () => {
    const res = await fetch(`${base}/api/v1/nothing/here`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { errors: [{ detail: 'resource not found' }] });
  });

  it('serves metrics', async () => {
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  });

  it('bridges a hijack websocket to an intercept session, ignoring junk messages, and closes after the exit status', async () => {
    await setPipeline(api, '/api/v1/teams/main/pipelines/ci');
    await api.pool.query(
      `INSERT INTO containers (handle, pod_name, team_id, type, state, worker_name, user_name)
       SELECT 'h-1', 'ci-unit-b1-task-0001', id, 'task', 'created', 'k8s-ci', 'root'
       FROM teams WHERE name = 'main'`,
    );
    const opened: unknown[] = [];
    const executor = api.ctx.bus.serveIntercepts(async (req) => {
      opened.push(req);
      const input = api.ctx.bus.onInterceptInput(req.sessionId, (msg) => {
        if (!msg.stdin) return;
        const echoed = Buffer.from(msg.stdin, 'base64').toString();
        void (async () => {
          await api.ctx.bus.sendInterceptOutput(req.sessionId, {
            v: 1,
            stdout: Buffer.from(`got ${echoed}`).toString('base64'),
          });
          await api.ctx.bus.sendInterceptOutput(req.sessionId, { v: 1, exitStatus: 7 });
          await input.stop();
        })();
      });
      return { v: 1, ok: true };
    });

    const ws = new WebSocket(
      `ws://127.0.0.1:${server.port}/api/v1/teams/main/containers/h-1/hijack`,
      {
        headers: { Authorization: await api.auth('admin') },
      },
    );
    await once(ws, 'open');
    const messages: unknown[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
    const closed = once(ws, 'close');
    ws.send(JSON.stringify({ path: 'sh', args: ['-c', 'cat'], env: ['TERM=xterm'], dir: '/tmp' }));
    const deadline = Date.now() + 5000;
    while (opened.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    // Messages that are JSON but not input objects are ignored, never fatal to the server.
    for (const junk of ['null', '42', '[]', '"text"']) ws.send(junk);
    ws.send(JSON.stringify({ stdin: Buffer.from('hi').toString('base64') }));
    await closed;
    await executor.stop();

    assert.deepEqual(messages, [
      { stdout: Buffer.from('got hi').toString('base64') },
      { exit_status: 7 },
    ]);
    const req = opened[0] as { handle: string; podName: string; process: unknown };
    assert.equal(req.handle, 'h-1');
    assert.equal(req.podName, 'ci-unit-b1-task-0001');
    assert.deepEqual(req.process, {
      path: 'sh',
      args: ['-c', 'cat'],
      env: ['TERM=xterm'],
      dir: '/tmp',
    });
  });

  it('tells fly of a missing executable: a flag for its bash fallback, an error for any other command', async () => {
    await api.pool.query(
      `INSERT INTO containers (handle, pod_name, team_id, type, state, worker_name, user_name)
       SELECT 'h-nf', 'ci-unit-b1-task-00nf', id, 'task', 'created', 'k8s-ci', 'root'
       FROM teams WHERE name = 'main'`,
    );
    // What the pod executor sends when the process cannot be found (intercept-session.ts).
    const executor = api.ctx.bus.serveIntercepts(async (req) => {
      setImmediate(() => {
        void (async () => {
          await api.ctx.bus.sendInterceptOutput(req.sessionId, {
            v: 1,
            executableNotFound: true,
            error: `${req.process.path}: executable not found`,
          });
          await api.ctx.bus.sendInterceptOutput(req.sessionId, { v: 1, exitStatus: 127 });
        })();
      });
      return { v: 1, ok: true };
    });
    const session = async (path: string) => {
      const ws = new WebSocket(
        `ws://127.0.0.1:${server.port}/api/v1/teams/main/containers/h-nf/hijack`,
        { headers: { Authorization: await api.auth('admin') } },
      );
      await once(ws, 'open');
      const messages: unknown[] = [];
      ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
      const closed = once(ws, 'close');
      ws.send(JSON.stringify({ path, args: null, env: ['TERM='], dir: '/tmp/build' }));
      await closed;
      return messages;
    };
    try {
      assert.deepEqual(await session('bash'), [{ executable_not_found: true }]);
      assert.deepEqual(await session('nosuch'), [
        { executable_not_found: true },
        { error: 'exec: "nosuch": executable file not found in $PATH' },
      ]);
    } finally {
      await executor.stop();
    }
  });

  it('refuses a hijack upgrade without a token', async () => {
    const ws = new WebSocket(
      `ws://127.0.0.1:${server.port}/api/v1/teams/main/containers/h-1/hijack`,
    );
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    assert.equal(res.statusCode, 401);
    ws.on('error', () => {});
    ws.terminate();
  });
});
