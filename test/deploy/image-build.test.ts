// Dockerfile.build and build.sh, checked without a Docker engine: the build's stages and what
// they copy, the runtime image's user and entrypoint, and build.sh's commands.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isIgnored, readIgnorePatterns, readStages } from './support/dockerfile.ts';

const root = new URL('../../', import.meta.url).pathname;
const stages = readStages(join(root, 'Dockerfile.build'));
const ignored = readIgnorePatterns(join(root, '.dockerignore'));
const runtime = stages.at(-1)!;

function hasCommand(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, name)));
}

describe('Dockerfile.build', () => {
  it('installs, builds the web UI, type-checks, prunes, then copies into the runtime', () => {
    assert.deepEqual(
      stages.map((s) => s.name),
      ['dependencies', 'frontend', 'typecheck', 'production', 'runtime'],
    );
    const runs = (name: string) =>
      stages
        .find((s) => s.name === name)!
        .instructions.filter((i) => i.keyword === 'RUN')
        .map((i) => i.raw);
    assert.match(runs('dependencies').join('\n'), /npm ci/);
    assert.match(runs('frontend').join('\n'), /deploy\/docker\/build-web-ui\.sh/);
    assert.match(runs('typecheck').join('\n'), /npm run typecheck/);
    assert.match(runs('production').join('\n'), /npm prune --omit=dev/);
  });

  it('runs jetbridge on node:24-slim as an unprivileged user', () => {
    assert.equal(runtime.from, 'node:24-slim');
    const user = runtime.instructions.filter((i) => i.keyword === 'USER').at(-1);
    assert.ok(user && !/^(0|root)(:|$)/.test(user.args[0]!), 'the runtime runs as root');
    const entrypoint = runtime.instructions.find((i) => i.keyword === 'ENTRYPOINT')!;
    assert.deepEqual(JSON.parse(entrypoint.args.join(' ')), ['node', '/app/bin/jetbridge.js']);
    assert.ok(existsSync(join(root, 'bin', 'jetbridge.js')));
  });

  it('takes the runtime files only from the pruned stage', () => {
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY');
    assert.deepEqual(
      copies.map((c) => c.flags.from),
      ['production'],
    );
  });

  it('copies only files that exist and that the build context keeps', () => {
    const sources = stages
      .flatMap((s) => s.instructions)
      .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !i.flags.from)
      .flatMap((i) => i.args.slice(0, -1));
    const scripts = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'RUN')
      .flatMap((i) => [...i.raw.matchAll(/\b(deploy\/[\w./-]+\.sh)\b/g)].map((m) => m[1]!));
    for (const file of [
      ...sources,
      ...scripts,
      'package.json',
      'package-lock.json',
      'bin/jetbridge.js',
    ]) {
      assert.ok(existsSync(join(root, file)), `${file} does not exist`);
      assert.ok(file === '.' || !isIgnored(ignored, file), `.dockerignore leaves out ${file}`);
    }
    for (const file of ['node_modules', 'libs/db/node_modules', '.git']) {
      assert.ok(isIgnored(ignored, file), `the build context includes ${file}`);
    }
  });
});

describe('the web UI stage', () => {
  function inTree(packageJson: object): { stdout: string; npmCalls: string } {
    const dir = mkdtempSync(join(tmpdir(), 'jetbridge-web-ui-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson));
      // npm stands in for the real one: the stage's decision is under test, not the UI build.
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "$*" >> "${join(dir, 'npm-calls')}"\n`);
      chmodSync(join(bin, 'npm'), 0o755);
      const stdout = execFileSync('sh', [join(root, 'deploy/docker/build-web-ui.sh')], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` },
        timeout: 10_000,
      });
      const calls = join(dir, 'npm-calls');
      return { stdout, npmCalls: existsSync(calls) ? readFileSync(calls, 'utf8') : '' };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('skips cleanly in a tree without a web UI build script', () => {
    const { stdout, npmCalls } = inTree({ name: 'jetbridge', scripts: { test: 'node --test' } });
    assert.match(stdout, /skipping the front end stage/);
    assert.equal(npmCalls, '');
  });

  it('runs the build:web-ui script when the tree has one', () => {
    const { npmCalls } = inTree({ name: 'jetbridge', scripts: { 'build:web-ui': 'vite build' } });
    assert.equal(npmCalls.trim(), 'run build:web-ui');
  });
});

describe('build.sh', () => {
  const buildSh = join(root, 'build.sh');

  it('is valid bash', () => {
    execFileSync('bash', ['-n', buildSh]);
  });

  it(
    'passes shellcheck',
    { skip: hasCommand('shellcheck') ? false : 'shellcheck is not installed' },
    () => {
      execFileSync('shellcheck', [buildSh, join(root, 'deploy/docker/build-web-ui.sh')]);
    },
  );

  it('builds the runtime stage of Dockerfile.build and tags it', () => {
    const out = execFileSync(
      buildSh,
      ['--dry-run', '--image', 'registry.example/jetbridge', '--tag', '1.2.3'],
      {
        encoding: 'utf8',
      },
    );
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.match(
      lines[0]!,
      /^docker build -f \S*Dockerfile\.build --target runtime -t registry\.example\/jetbridge:1\.2\.3 /,
    );
  });

  it('pushes every tag with --push', () => {
    const out = execFileSync(buildSh, ['--dry-run', '--push', '--image', 'r.example/jb'], {
      encoding: 'utf8',
    });
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.deepEqual(out.trim().split('\n').slice(1), [
      `docker push r.example/jb:${version}`,
      'docker push r.example/jb:latest',
    ]);
  });

  it('refuses an unknown option', () => {
    const result = spawnSync(buildSh, ['--bogus'], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown option --bogus/);
  });
});
