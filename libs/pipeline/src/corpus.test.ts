import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  collectVars,
  compileJobPlan,
  configsEqual,
  interpolateTemplate,
  parsePipeline,
  toPublicPlan,
  validatePipeline,
} from './index.ts';

function fixturesDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  let top: string;
  try {
    top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: here }).toString().trim();
  } catch {
    return null;
  }
  const dir = join(top, '..', 'shared', 'fixtures', 'pipelines');
  return existsSync(dir) ? dir : null;
}

const dir = fixturesDir();

/** Vars flags named in the INDEX's "Vars needed" column of each pipeline. */
function varsFromIndex(indexText: string): Map<string, ReturnType<typeof collectVars>> {
  const byFile = new Map<string, ReturnType<typeof collectVars>>();
  for (const line of indexText.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const file = /^`([^`]+\.yml)`$/.exec(cells[1] ?? '')?.[1];
    if (!file || file.includes('/')) continue;
    const column = cells[5] ?? '';
    const varFiles = [...column.matchAll(/-l (vars\/\S+\.yml)/g)].map((m) => join(dir!, m[1]!));
    const instanceVars = [...column.matchAll(/-i (\w+=[^\s<(]+)/g)].map((m) => m[1]!);
    const vars = [...column.matchAll(/-v (\w+=[^\s<(]+)/g)].map((m) => m[1]!);
    byFile.set(file, collectVars({ varFiles, instanceVars, vars }));
  }
  return byFile;
}

describe(
  'pipeline corpus',
  { skip: dir ? false : 'shared/fixtures not found beside the repo' },
  () => {
    const files = dir
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.yml'))
          .sort()
      : [];
    const indexVars = dir ? varsFromIndex(readFileSync(join(dir, 'INDEX.md'), 'utf8')) : new Map();

    const load = (file: string) => {
      const text = readFileSync(join(dir!, file), 'utf8');
      const vars = indexVars.get(file)?.vars ?? {};
      return parsePipeline(interpolateTemplate(text, vars));
    };

    it('lists every corpus file in the INDEX', () => {
      assert.ok(files.length >= 70, `only ${files.length} pipelines found`);
      for (const f of files) assert.ok(indexVars.has(f), `${f} missing from INDEX`);
    });

    for (const file of files) {
      it(`parses, validates, compiles and round-trips ${file}`, () => {
        const config = load(file);
        const result = validatePipeline(config);

        if (file === 'fly--testConfigError.yml') {
          assert.ok(result.errors.some((e) => e.startsWith('invalid resources:\n')));
        } else if (file === 'fly--testConfigWarning.yml') {
          assert.ok(result.warnings.some((w) => w.message.startsWith('jobs.some-job.plan')));
        } else {
          assert.deepEqual(result.errors, [], result.errors.join('\n'));
        }

        let id = 0;
        for (const job of config.jobs ?? []) {
          const plan = compileJobPlan(config, job.name, { nextId: () => String(++id) });
          assert.ok(plan.id);
          assert.equal(toPublicPlan(plan).schema, 'exec.v2');
        }

        const stored = JSON.stringify(config);
        assert.ok(configsEqual(config, parsePipeline(stored)));
      });
    }

    it('keeps an unsupplied var literally in the stored config', () => {
      const text = readFileSync(join(dir!, 'fly--vars-pipeline.yml'), 'utf8');
      const { vars } = collectVars({
        varFiles: [
          join(dir!, 'vars/fly--vars-pipeline-params-types.yml'),
          join(dir!, 'vars/fly--vars-pipeline-params-a.yml'),
        ],
      });
      const config = parsePipeline(interpolateTemplate(text, vars));
      const source = config.resources![0]!.source!;
      assert.equal(source['config-b'], '((param-b))');
      assert.equal(source['config-a'], 'some-param-a');
      assert.equal(source.bool, true);
      assert.equal(source.number, 1.23);
      assert.deepEqual(config.resources![0]!.tags, ['val-1', 'val-2']);
    });
  },
);
