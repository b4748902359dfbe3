// The corpus pipelines that need only mock, time and tasks, run the way a user runs them: fly sets,
// unpauses and triggers each job against one distributed JetBridge on kubesim, and the build ends
// with the result and output the fixture's notes promise.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnFly, type FlyProcess } from '../support/fly/index.ts';
import { fixture } from '../support/paths.ts';
import { startDistributed, type RunningJetBridge } from '../support/jetbridge.ts';
import { corpusCases, type CorpusCase } from './corpus-cases.ts';
import { flyAs, type FlyAs } from './fly-session.ts';

describe('corpus pipelines run to their expected results', { timeout: 900_000 }, () => {
  let jb: RunningJetBridge;
  let home: string;
  let f: FlyAs;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startDistributed({ cacheClaim: 'task-caches' });
    f = flyAs(home);
    const login = await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
    assert.equal(login.exitCode, 0, `${login.stdout}${login.stderr}\n${jb.logs()}`);
    await startStreamLogs();
  });

  after(async () => {
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  // integration--stream-logs prints one line a second for two minutes: it runs while the other
  // cases do, and is checked last.
  let streamLogs: { watch: FlyProcess; firstLineAt: Promise<number> };

  async function startStreamLogs() {
    const file = fixture('pipelines', 'integration--stream-logs.yml');
    assert.equal((await f('set-pipeline', '-p', 'stream-logs', '-c', file, '-n')).exitCode, 0);
    assert.equal((await f('unpause-pipeline', '-p', 'stream-logs')).exitCode, 0);
    const watch = spawnFly(['-t', 'local', 'trigger-job', '-j', 'stream-logs/stream-logs', '-w'], {
      home,
      timeoutMs: 600_000,
    });
    const firstLineAt = watch.waitForOutput(/Hello 1\n/, 300_000).then(() => Date.now());
    firstLineAt.catch(() => {});
    streamLogs = { watch, firstLineAt };
  }

  for (const c of corpusCases) {
    it(c.title, { skip: c.knownGap ?? false }, async () => {
      await runCase(c);
    });
  }

  it('integration stream-logs delivers every line, in order, while the build runs', async () => {
    const result = await streamLogs.watch.result;
    const finishedAt = Date.now();
    assert.equal(result.exitCode, 0, `${result.stdout}${result.stderr}\n${jb.logs()}`);
    const seen = [...result.stdout.matchAll(/^Hello (\d+)$/gm)].map((m) => Number(m[1]));
    assert.deepEqual(
      seen,
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
    // Streamed, not delivered at the end: the first line arrived long before the build finished.
    assert.ok(finishedAt - (await streamLogs.firstLineAt) > 60_000);
  });

  async function runCase(c: CorpusCase) {
    const pipeline = c.file.replace(/\.yml$/, '').replace(/--/g, '-');
    const hash = randomBytes(4).toString('hex');
    const vars = (c.vars ?? []).flatMap((v) => ['-v', v.replace('<hash>', hash)]);
    const loadVars = (c.varFiles ?? []).flatMap((v) => ['-l', fixture('pipelines', v)]);
    const set = await f(
      'set-pipeline',
      '-p',
      pipeline,
      '-c',
      fixture('pipelines', c.file),
      '-n',
      ...vars,
      ...loadVars,
    );
    assert.equal(set.exitCode, 0, `${set.stdout}${set.stderr}`);
    assert.equal((await f('unpause-pipeline', '-p', pipeline)).exitCode, 0);

    for (const step of c.before ?? []) {
      const args = step.map((a) => a.replace('<pipeline>', pipeline).replace('<hash>', hash));
      const result = await f(...args);
      assert.equal(result.exitCode, 0, `fly ${args.join(' ')}\n${result.stdout}${result.stderr}`);
    }

    for (const run of c.runs) {
      const job = `${pipeline}/${run.job}`;
      const result = run.watchTriggered
        ? await watchFirstBuild(job)
        : await f('trigger-job', '-j', job, '-w');
      const out = result.stdout + result.stderr;
      assert.equal(
        result.exitCode,
        run.exit,
        `${job} exited ${result.exitCode}\n${out}\n${jb.logs()}`,
      );
      for (const re of run.output ?? []) {
        assert.match(
          out.replace('<hash>', hash),
          new RegExp(re.source.replace('<hash>', hash)),
          out,
        );
      }
      for (const re of run.notOutput ?? []) assert.doesNotMatch(out, re, out);
    }
  }

  // A job a resource triggers: wait (bounded) until its first build exists, then watch it.
  async function watchFirstBuild(job: string) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const builds = await f('builds', '-j', job);
      if (/\s\d+\s/.test(builds.stdout) || /\/1\s/.test(builds.stdout)) break;
      if (Date.now() > deadline) assert.fail(`no build of ${job} within 120 s\n${jb.logs()}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return f('watch', '-j', job);
  }
});
