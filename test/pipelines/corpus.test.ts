// Every pipeline of the shared corpus through fly against a running web service: set with the vars
// the INDEX names (or rejected with the INDEX's error), read back, set again without changes, and
// listed paused.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixturesDir } from '../support/paths.ts';
import { readCorpusIndex, type CorpusEntry } from './support/corpus-index.ts';
import { startPipelineWeb, type PipelineWeb } from './support/web.ts';

const corpusDir = join(fixturesDir, 'pipelines');
const present = existsSync(join(corpusDir, 'INDEX.md'));
const files = present
  ? readdirSync(corpusDir)
      .filter((f) => f.endsWith('.yml'))
      .sort()
  : [];
const index = new Map(present ? readCorpusIndex(corpusDir).map((e) => [e.file, e]) : []);

/** `fly--testConfigError.yml` → `fly--testconfigerror`: a name without identifier warnings. */
const pipelineName = (file: string) => file.replace(/\.yml$/, '').toLowerCase();

/** The `-i` flags alone: what get-pipeline's output needs to address the same instance. */
function instanceFlags(entry: CorpusEntry): string[] {
  return entry.varFlags.flatMap((flag, i, all) => (flag === '-i' ? [flag, all[i + 1]!] : []));
}

function instanceRef(entry: CorpusEntry, name: string): string {
  const pairs = instanceFlags(entry)
    .filter((_, i) => i % 2 === 1)
    .map((pair) => pair.replace('=', ':'));
  return pairs.length > 0 ? `${name}/${pairs.join(',')}` : name;
}

const skip = present ? false : `${corpusDir} not found (set JETBRIDGE_FIXTURES_DIR)`;

describe('the fixture corpus through fly set-pipeline', { timeout: 300_000, skip }, () => {
  let web: PipelineWeb;
  let scratch: string;

  before(async () => {
    web = await startPipelineWeb();
    scratch = await mkdtemp(join(tmpdir(), 'jb-corpus-'));
  });
  after(() => web?.close());

  const setPipeline = (name: string, path: string, flags: string[]) =>
    web.fly('set-pipeline', '-n', '-p', name, '-c', path, ...flags);

  const listedPipelines = async () => {
    const listed = await web.fly('pipelines', '--json');
    assert.equal(listed.exitCode, 0, listed.stderr);
    return JSON.parse(listed.stdout) as Array<{ name: string; paused: boolean }>;
  };

  async function expectRejected(entry: CorpusEntry, name: string, errors: string[]) {
    const path = join(corpusDir, entry.file);
    const set = await setPipeline(name, path, entry.varFlags);
    assert.equal(set.exitCode, 1, set.stdout);
    assert.match(set.stderr, /(^|\n)error: invalid pipeline config:\n/);
    for (const text of errors) {
      assert.ok(set.stderr.includes(text), `expected "${text}" in:\n${set.stderr}`);
    }
    const names = (await listedPipelines()).map((p) => p.name);
    assert.ok(!names.includes(name), 'a rejected pipeline must not be saved');
    return set;
  }

  async function expectRoundTrip(entry: CorpusEntry, name: string) {
    const path = join(corpusDir, entry.file);
    const set = await setPipeline(name, path, entry.varFlags);
    assert.equal(set.exitCode, 0, `${set.stdout}\n${set.stderr}`);
    assert.match(set.stdout, /pipeline created!\n/);
    assert.match(set.stdout, /the pipeline is currently paused/);

    const again = await setPipeline(name, path, entry.varFlags);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, /(^|\n)no changes to apply\n$/);

    const got = await web.fly('get-pipeline', '-p', instanceRef(entry, name));
    assert.equal(got.exitCode, 0, got.stderr);
    const roundTrip = join(scratch, entry.file);
    await writeFile(roundTrip, got.stdout);
    const fromGet = await setPipeline(name, roundTrip, instanceFlags(entry));
    assert.equal(fromGet.exitCode, 0, fromGet.stderr);
    assert.match(fromGet.stdout, /(^|\n)no changes to apply\n$/, 'get-pipeline output differs');

    const pipeline = (await listedPipelines()).find((p) => p.name === name);
    assert.equal(pipeline?.paused, true, `${name} is not listed paused`);

    // validate-pipeline takes no instance vars: those stay `((var))`s, which validation allows.
    const varFlags = entry.varFlags.filter((_, i, all) => all[i] !== '-i' && all[i - 1] !== '-i');
    const validate = await web.fly('validate-pipeline', '-c', path, ...varFlags);
    assert.equal(validate.exitCode, 0, validate.stderr);
    assert.match(validate.stdout, /looks good\n$/);
  }

  it('finds every corpus pipeline in the INDEX', () => {
    assert.ok(files.length >= 70, `only ${files.length} pipelines in ${corpusDir}`);
    for (const file of files) assert.ok(index.has(file), `${file} is missing from INDEX.md`);
  });

  for (const file of files) {
    const entry = index.get(file);
    const name = pipelineName(file);

    if (entry?.expectedErrors) {
      it(`rejects ${file} with the INDEX's error`, async () => {
        // "configuration invalid" is validate-pipeline's closing line; set-pipeline prints the
        // server's errors instead.
        const serverErrors = entry.expectedErrors!.filter((t) => t !== 'configuration invalid');
        await expectRejected(entry, name, serverErrors);
        const validate = await web.fly('validate-pipeline', '-c', join(corpusDir, file));
        assert.equal(validate.exitCode, 1);
        for (const text of entry.expectedErrors!) assert.ok(validate.stderr.includes(text), text);
      });
    } else if (entry?.expectedWarning) {
      it(`shows the deprecation warning of ${file}`, async () => {
        // The step's `image:` names an artifact, so the resource stays unused: Concourse rejects
        // the pipeline as well, after showing the warning.
        const set = await expectRejected(entry, name, ["resource 'my-image' is not used"]);
        assert.match(set.stderr, /DEPRECATION WARNING:\n/);
        assert.ok(set.stderr.includes(`  - ${entry.expectedWarning}`), set.stderr);
        if (entry.invalidWhenStrict) {
          const strict = await web.fly(
            'validate-pipeline',
            '-c',
            join(corpusDir, file),
            '--strict',
          );
          assert.equal(strict.exitCode, 1);
          assert.match(strict.stderr, /configuration invalid/);
        }
      });
    } else {
      it(`sets, reads back and sets again without changes: ${file}`, async () => {
        assert.ok(entry, `${file} is missing from INDEX.md`);
        await expectRoundTrip(entry, name);
      });
    }
  }
});
