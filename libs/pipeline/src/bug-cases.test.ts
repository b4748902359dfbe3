import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  configsEqual,
  interpolateTemplate,
  lookupIn,
  parsePipeline,
  parseTaskConfig,
  resolveVars,
  validateIdentifier,
  validatePipeline,
  ValidationError,
} from './index.ts';

describe('bug cases', () => {
  it('rejects a set_pipeline step without a name, naming its path', () => {
    const config = parsePipeline(
      'resources: [{name: src, type: git}]\njobs:\n- name: sp\n  plan:\n  - get: src\n  - set_pipeline:\n    file: src/child.yml\n',
    );
    const { errors } = validatePipeline(config);
    assert.equal(errors.length, 1);
    assert.match(
      errors[0]!,
      /jobs\.sp\.plan\.do\[1\]\.set_pipeline\(\): identifier cannot be an empty string/,
    );
    assert.match(errors[0]!, /jobs\.sp\.plan\[1\]\.set_pipeline/);
  });

  it('rejects task inputs written as a mapping, naming config.inputs', () => {
    const yaml = `jobs:
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
    const { errors } = validatePipeline(parsePipeline(yaml));
    assert.match(errors[0]!, /jobs\.j\.plan\[0\]\.config\.inputs must be a list of inputs/);
  });

  it('rejects the same wrongly shaped inputs in a task file at run time', () => {
    const file = 'platform: linux\ninputs:\n  -name: credentials\nrun: {path: ls}\n';
    assert.throws(
      () => parseTaskConfig(file, 'ci/task.yml'),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.path === 'ci/task.yml' &&
        e.errors.includes('ci/task.yml.inputs must be a list of inputs, got object'),
    );
  });

  it('treats quoted and unquoted whole-value vars as the same config and keeps the type', () => {
    const base =
      'resources:\n- name: tracker\n  type: tracker\n  source:\n    token: ((tracker-token))\n';
    const jobs = 'jobs:\n- name: j\n  plan: [{get: tracker}]\n';
    const plain = parsePipeline(`${base}    project_id: ((tracker-project-id))\n${jobs}`);
    const quoted = parsePipeline(`${base}    project_id: "((tracker-project-id))"\n${jobs}`);
    assert.ok(configsEqual(plain, quoted));

    const lookup = lookupIn({ 'tracker-project-id': 1234567 });
    assert.equal(resolveVars(plain.resources![0]!.source!.project_id, lookup), 1234567);
    assert.equal(resolveVars('id-((tracker-project-id))', lookup), 'id-1234567');

    const evaluated = parsePipeline(
      interpolateTemplate(`${base}    project_id: "((tracker-project-id))"\n${jobs}`, {
        'tracker-project-id': 1234567,
      }),
    );
    assert.equal(evaluated.resources![0]!.source!.project_id, 1234567);
  });

  it('gives names with % and other URL characters an identifier warning, not a crash', () => {
    for (const name of ['100%-coverage', 'a+b', 'a/b', 'a&b', 'a?b', 'a#b', 'a b']) {
      const config = parsePipeline(
        `jobs:\n- name: ${JSON.stringify(name)}\n  plan: [{task: t, file: f}]\n`,
      );
      const { errors, warnings } = validatePipeline(config);
      assert.deepEqual(errors, [], name);
      assert.equal(warnings[0]?.type, 'invalid_identifier', name);
      assert.equal(config.jobs![0]!.name, name);
    }
    const pipelineName = validateIdentifier('percent: %', 'pipeline');
    assert.ok(pipelineName !== null && typeof pipelineName === 'object');
  });

  it('keeps unicode job names unchanged and accepts them with a warning', () => {
    const yaml = `jobs:
- name: freshen-🐋
  plan:
  - task: t
    config: {platform: linux, image_resource: {type: registry-image, source: {repository: busybox}}, run: {path: echo, args: [hi]}}
- name: ＡＡＡＡ
  plan: [{task: t, config: {platform: linux, image_resource: {type: registry-image, source: {repository: busybox}}, run: {path: "true"}}}]
`;
    const config = parsePipeline(Buffer.from(yaml, 'utf8'));
    assert.deepEqual(
      config.jobs!.map((j) => j.name),
      ['freshen-🐋', 'ＡＡＡＡ'],
    );
    const { errors, warnings } = validatePipeline(config);
    assert.deepEqual(errors, []);
    assert.equal(warnings.length, 2);
    assert.ok(configsEqual(config, parsePipeline(JSON.stringify(config))));
  });
});
