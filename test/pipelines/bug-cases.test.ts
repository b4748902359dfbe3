// The parsing, vars and naming bug cases of the shared list, set through fly against the server.
// (Whole-value var typing is in vars.test.ts, `%` and unicode names in names.test.ts.)
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPipelineWeb, type PipelineWeb } from './support/web.ts';

const namelessSetPipeline = `
resources:
- name: src
  type: mock
  source: {}
jobs:
- name: sp
  plan:
  - get: src            # any resource holding child.yml
  - set_pipeline:
    file: src/child.yml
`;

const inputsAsMapping = `
jobs:
- name: j
  plan:
  - task: t
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      inputs:
        -name: credentials
      run: {path: ls, args: [credentials]}
`;

describe('bug cases about parsing, vars and names', () => {
  let web: PipelineWeb;
  let dir: string;

  before(async () => {
    web = await startPipelineWeb();
    dir = await mkdtemp(join(tmpdir(), 'jb-bug-cases-'));
  });
  after(() => web?.close());

  const setPipeline = async (name: string, yaml: string) => {
    const path = join(dir, `${name}.yml`);
    await writeFile(path, yaml);
    return { set: await web.fly('set-pipeline', '-n', '-p', name, '-c', path), path };
  };

  const isSaved = async (name: string) =>
    (await web.api(`/api/v1/teams/main/pipelines/${name}`)).status === 200;

  it('3: refuses a set_pipeline step without a name, naming the step', async () => {
    const { set, path } = await setPipeline('nameless', namelessSetPipeline);
    assert.equal(set.exitCode, 1, set.stdout);
    assert.match(set.stderr, /error: invalid pipeline config:\n/);
    assert.match(set.stderr, /jobs\.sp\.plan\[1\]\.set_pipeline/);
    assert.equal(await isSaved('nameless'), false);

    const validate = await web.fly('validate-pipeline', '-c', path);
    assert.equal(validate.exitCode, 1);
    assert.match(validate.stderr, /jobs\.sp\.plan\[1\]\.set_pipeline/);
  });

  it('4: refuses task inputs written as a mapping, naming the config path', async () => {
    const { set } = await setPipeline('mapped-inputs', inputsAsMapping);
    assert.equal(set.exitCode, 1, set.stdout);
    assert.match(set.stderr, /jobs\.j\.plan\[0\]\.config\.inputs/);
    assert.equal(await isSaved('mapped-inputs'), false);
  });
});
