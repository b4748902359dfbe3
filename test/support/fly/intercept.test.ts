import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { fly } from './index.ts';
import { FakeConcourse, flyHome, json } from './fake-concourse.ts';

describe('fly intercept', () => {
  const server = new FakeConcourse();
  const wss = new WebSocketServer({ noServer: true });
  const received: unknown[] = [];
  let hijackAuth: string | undefined;
  let home = '';

  before(async () => {
    const api = await server.start();
    home = await flyHome(api);
    server.on(
      'GET',
      '/api/v1/teams/main/containers',
      json(200, [
        {
          id: 'h1',
          worker_name: 'w',
          state: 'created',
          user: 'root',
          working_directory: '/tmp/build/x',
        },
      ]),
    );
    server.server.on('upgrade', (req, socket, head) => {
      if (req.url !== '/api/v1/teams/main/containers/h1/hijack') {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      hijackAuth = req.headers.authorization;
      wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        let stdin = '';
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data)) as Record<string, unknown>;
          received.push(msg);
          if (typeof msg.stdin === 'string')
            stdin += Buffer.from(msg.stdin, 'base64').toString('utf8');
          if (msg.closed) {
            ws.send(
              JSON.stringify({ stdout: Buffer.from(stdin.toUpperCase()).toString('base64') }),
            );
            ws.send(JSON.stringify({ stderr: Buffer.from('warn\n').toString('base64') }));
            ws.send(JSON.stringify({ exit_status: 7 }));
            ws.close();
          }
        });
      });
    });
  });
  after(async () => {
    wss.close();
    await server.stop();
  });

  it('sends the process spec and stdin and exits with the process exit status', async () => {
    const result = await fly(
      ['-t', 'test', 'intercept', '-j', 'p/j', '-s', 'unit', '--', 'cat', '-n'],
      {
        home,
        stdin: 'hello\n',
        env: { TERM: 'dumb' },
        timeoutMs: 10_000,
      },
    );

    assert.equal(result.stdout, 'HELLO\n');
    assert.equal(result.stderr, 'warn\n');
    assert.equal(result.exitCode, 7);
    assert.equal(hijackAuth, 'bearer tok');
    assert.equal(
      server.find('GET', '/api/v1/teams/main/containers')[0]?.url,
      '/api/v1/teams/main/containers?job_name=j&pipeline_name=p&step_name=unit',
    );
    assert.deepEqual(received[0], {
      path: 'cat',
      args: ['-n'],
      env: ['TERM=dumb'],
      dir: '/tmp/build/x',
      privileged: true,
      user: 'root',
      tty: null,
    });
    assert.deepEqual(received.slice(1), [
      { stdin: Buffer.from('hello\n').toString('base64') },
      { closed: true },
    ]);
  });

  it('says when no container matches', async () => {
    server.on('GET', '/api/v1/teams/main/containers', json(200, []));
    const result = await fly(['-t', 'test', 'intercept', '-b', '12'], { home, timeoutMs: 10_000 });
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^no containers matched your search parameters!/);
  });
});
