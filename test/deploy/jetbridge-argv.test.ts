// The deployment checker refuses what the services would refuse when they start: a duration or
// a whole number it cannot read, and the reaper's settings it cannot run with.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ArgvRejectedError, inertProgram, parseServiceArgv } from './support/jetbridge-argv.ts';

const reaper = ['reaper', '--kubernetes-namespace=steps'];

describe('the jetbridge argv checker', () => {
  it('accepts the reaper with its heartbeat, worker TTL and build log retention flags', () => {
    const { options } = parseServiceArgv([
      ...reaper,
      '--heartbeat-interval=10s',
      '--worker-ttl=25s',
      '--default-build-logs-to-retain=50',
      '--max-build-logs-to-retain=100',
      '--default-days-to-retain-build-logs=7',
      '--max-days-to-retain-build-logs=30',
    ]);
    assert.equal(options.workerTtl, '25s');
    assert.equal(options.maxDaysToRetainBuildLogs, '30');
  });

  it('accepts the same reaper settings through their CONCOURSE_* variables', () => {
    const { options } = parseServiceArgv(reaper, {
      CONCOURSE_HEARTBEAT_INTERVAL: '15s',
      CONCOURSE_WORKER_TTL: '1m',
      CONCOURSE_MAX_BUILD_LOGS_TO_RETAIN: '20',
    });
    assert.equal(options.heartbeatInterval, '15s');
  });

  it('accepts the toolbox image of the pod-executor by flag and by variable, busybox by default', () => {
    const executor = ['pod-executor', '--kubernetes-namespace=steps'];
    assert.equal(parseServiceArgv(executor).options.kubernetesToolboxImage, 'busybox:stable-musl');
    const byFlag = parseServiceArgv([
      ...executor,
      '--kubernetes-toolbox-image=mirror/busybox:musl',
    ]);
    assert.equal(byFlag.options.kubernetesToolboxImage, 'mirror/busybox:musl');
    const byVariable = parseServiceArgv(executor, {
      CONCOURSE_KUBERNETES_TOOLBOX_IMAGE: 'mirror/busybox:1.36-musl',
    });
    assert.equal(byVariable.options.kubernetesToolboxImage, 'mirror/busybox:1.36-musl');
  });

  for (const [flag, value] of [
    ['--heartbeat-interval', 'often'],
    ['--worker-ttl', 'soon'],
    ['--default-build-logs-to-retain', 'ten'],
    ['--max-build-logs-to-retain', '-1'],
    ['--default-days-to-retain-build-logs', '1.5'],
    ['--max-days-to-retain-build-logs', 'forever'],
  ] as const) {
    it(`refuses ${flag}=${value} as the reaper would`, () => {
      assert.throws(
        () => parseServiceArgv([...reaper, `${flag}=${value}`]),
        (err: unknown) => err instanceof ArgvRejectedError && err.message.includes(flag),
      );
    });
  }

  it('refuses a worker TTL that would let the worker row go stalled between heartbeats', () => {
    assert.throws(
      () => parseServiceArgv([...reaper, '--heartbeat-interval=15s', '--worker-ttl=10s']),
      (err: unknown) => err instanceof ArgvRejectedError && /--worker-ttl/.test(err.message),
    );
    assert.throws(
      () => parseServiceArgv(reaper, { CONCOURSE_WORKER_TTL: '15s' }),
      (err: unknown) =>
        err instanceof ArgvRejectedError && /--heartbeat-interval/.test(err.message),
    );
  });

  // Free text the services take as it is; any other placeholder is a value the checker must read.
  const freeText = new Set(
    `ip url name user path group login org id secret scope claim host password prefix image
     namespace level`.split(/\s+/),
  );

  it('refuses a bad value for every flag that takes a duration or a number', () => {
    const unchecked: string[] = [];
    for (const cmd of inertProgram().commands) {
      for (const opt of cmd.options) {
        const placeholder = /<(\w+)>/.exec(opt.flags)?.[1];
        if (!placeholder || freeText.has(placeholder)) continue;
        const required = cmd.options
          .filter((o) => o.mandatory && o.defaultValue === undefined && o !== opt)
          .map((o) => `${o.long}=x`);
        try {
          parseServiceArgv([cmd.name(), ...required, `${opt.long}=not-a-value`]);
          unchecked.push(`jetbridge ${cmd.name()} ${opt.flags}`);
        } catch (err) {
          if (!(err instanceof ArgvRejectedError)) throw err;
        }
      }
    }
    assert.deepEqual(unchecked, []);
  });
});
