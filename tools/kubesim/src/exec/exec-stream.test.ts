import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import { isPhase, sleeperPod, startTestCluster, waitForPod, type TestCluster } from '../testing.ts';

interface RawExec {
  stdout: Buffer[];
  stderr: string;
  status: { status?: string };
  statusAfterOutput: boolean;
}

// A client that takes one frame per event-loop turn, with its socket paused in between, so that
// kubesim's output outruns it.
function slowExec(
  cluster: TestCluster,
  pod: string,
  command: string[],
  stdin?: Buffer,
): Promise<RawExec> {
  const query = new URLSearchParams({ container: 'main', stdout: 'true', stderr: 'true' });
  if (stdin) query.set('stdin', 'true');
  for (const part of command) query.append('command', part);
  const url = `${cluster.sim.url.replace(/^https/, 'wss')}/api/v1/namespaces/default/pods/${pod}/exec?${query}`;
  const ws = new WebSocket(url, ['v5.channel.k8s.io'], {
    ca: cluster.sim.caCertificate,
    headers: { Authorization: `Bearer ${cluster.sim.token}` },
    perMessageDeflate: false,
  });
  const result: RawExec = { stdout: [], stderr: '', status: {}, statusAfterOutput: false };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('exec did not finish in time')), 30_000);
    ws.on('message', (data: Buffer) => {
      ws.pause();
      setImmediate(() => ws.resume());
      if (data[0] === 1) result.stdout.push(data.subarray(1));
      else if (data[0] === 2) result.stderr += data.subarray(1).toString('utf8');
      else if (data[0] === 3) {
        result.status = JSON.parse(data.subarray(1).toString('utf8')) as { status?: string };
        result.statusAfterOutput = result.stderr.includes('written');
      }
    });
    ws.on('open', () => {
      if (!stdin) return;
      for (let at = 0; at < stdin.length; at += 64 * 1024) {
        ws.send(Buffer.concat([Buffer.from([0]), stdin.subarray(at, at + 64 * 1024)]));
      }
      ws.send(Buffer.from([255, 0]));
    });
    ws.on('close', () => {
      clearTimeout(timer);
      resolve(result);
    });
    ws.on('error', reject);
  });
}

describe('exec output streaming', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startTestCluster();
    await cluster.api.createNamespacedPod({ namespace: 'default', body: sleeperPod('streamer') });
    await waitForPod(cluster, 'streamer', isPhase('Running'));
  });
  after(() => cluster.close());

  it('delivers a large output intact and in order to a slow client, then the exit status', async () => {
    const size = 8 * 1024 * 1024;
    const made = await slowExec(cluster, 'streamer', [
      'sh',
      '-c',
      `head -c ${size} /dev/urandom > /tmp/blob && sha256sum < /tmp/blob`,
    ]);
    assert.equal(made.status.status, 'Success');
    const expected = Buffer.concat(made.stdout).toString('utf8').split(' ')[0];

    const streamed = await slowExec(cluster, 'streamer', [
      'sh',
      '-c',
      'cat /tmp/blob; echo written >&2',
    ]);
    const bytes = Buffer.concat(streamed.stdout);
    assert.equal(bytes.length, size);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), expected);
    assert.equal(streamed.stderr, 'written\n');
    assert.equal(streamed.status.status, 'Success');
    assert.ok(streamed.statusAfterOutput);
  });

  it('delivers a large stdin completely to a command that starts reading late', async () => {
    const input = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < input.length; i += 4) input.writeUInt32LE(i, i);
    const result = await slowExec(
      cluster,
      'streamer',
      ['sh', '-c', 'sleep 0.3; sha256sum; echo written >&2'],
      input,
    );
    const expected = createHash('sha256').update(input).digest('hex');
    assert.equal(Buffer.concat(result.stdout).toString('utf8').split(' ')[0], expected);
    assert.equal(result.status.status, 'Success');
  });
});
