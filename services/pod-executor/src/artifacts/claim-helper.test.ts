import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  writeFile,
  symlink,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { StepJob } from '@jetbridge/bus';
import { buildPodSpec } from '../pods/pod-spec.ts';
import { testStepJob } from '../pods/test-jobs.ts';
import {
  archiveScript,
  extractScript,
  helperContainer,
  inputsInitContainer,
} from './claim-helper.ts';

const run = promisify(execFile);
const busyboxSh = (script: string, ...args: string[]) =>
  run('busybox', ['sh', '-c', script, 'jetbridge-test', ...args]);

describe('artifact claim helper scripts under busybox sh and tar', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jb-claim-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('archives onto a fresh, empty claim and extracts the same tree', async () => {
    const claim = join(dir, 'claim');
    const source = join(dir, 'out');
    await mkdir(claim);
    await mkdir(join(source, 'empty'), { recursive: true });
    await writeFile(join(source, 'f'), 'content', { mode: 0o640 });
    await symlink('/nowhere', join(source, 'abs'));

    await busyboxSh(archiveScript, claim, 'k1', source);
    assert.deepEqual(await readdir(join(claim, 'tars')), ['k1.tar']);
    assert.deepEqual(await readdir(join(claim, 'incoming')), []);

    const target = join(dir, 'in');
    await busyboxSh(extractScript, claim, 'k1', target);
    assert.equal(await readFile(join(target, 'f'), 'utf8'), 'content');
    assert.equal((await stat(join(target, 'f'))).mode & 0o777, 0o640);
    assert.equal(await readlink(join(target, 'abs')), '/nowhere');
    assert.ok((await stat(join(target, 'empty'))).isDirectory());
  });

  it('leaves no tar under the key when archiving fails', async () => {
    const claim = join(dir, 'claim2');
    await assert.rejects(busyboxSh(archiveScript, claim, 'k2', join(dir, 'missing')));
    assert.deepEqual(await readdir(join(claim, 'tars')), []);
    assert.deepEqual(await readdir(join(claim, 'incoming')), []);
  });

  it('says which artifact is missing from the store', async () => {
    await assert.rejects(
      busyboxSh(extractScript, join(dir, 'claim3'), 'gone', join(dir, 'x')),
      /artifact gone is not in the artifact store/,
    );
  });
});

describe('pod spec with the artifact claim', () => {
  const settings = {
    namespace: 'ns',
    kubeconfigPath: null,
    podStartupTimeoutMs: 1000,
    maxInFlight: 1,
    imagePullSecrets: [],
    serviceAccount: null,
    imageRegistryPrefix: null,
    imageRegistrySecret: null,
    cacheClaim: null,
    artifactStoreClaim: 'artifacts',
    artifactHelperImage: 'alpine:latest',
  };

  it('extracts stored inputs in an init container and adds the helper sidecar for outputs', () => {
    const job: StepJob = {
      ...testStepJob(),
      workingDir: '/tmp/build/w',
      inputs: [{ name: 'in', path: '/tmp/build/w/in', source: { kind: 'artifact', key: 'k1' } }],
      outputs: [{ name: 'out', path: '/tmp/build/w/out' }],
    };
    const spec = buildPodSpec(job, settings).spec!;
    const init = spec.initContainers!.find((c) => c.name === inputsInitContainer)!;
    assert.equal(init.image, 'alpine:latest');
    assert.deepEqual(init.args, ['k1', '/tmp/build/w/in']);
    assert.ok(init.volumeMounts!.some((m) => m.mountPath === '/tmp/build/w/in'));
    const helper = spec.containers.find((c) => c.name === helperContainer)!;
    assert.ok(helper.volumeMounts!.some((m) => m.mountPath === '/tmp/build/w/out'));
    assert.ok(spec.volumes!.some((v) => v.persistentVolumeClaim?.claimName === 'artifacts'));
  });

  it('leaves pods without stored inputs or outputs alone', () => {
    const spec = buildPodSpec(testStepJob({ inputs: [], outputs: [] }), settings).spec!;
    assert.equal(spec.initContainers, undefined);
    assert.equal(spec.containers.length, 1);
  });
});
