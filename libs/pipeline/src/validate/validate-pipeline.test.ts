import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePipeline } from '../config/parse-pipeline.ts';
import { validatePipeline } from './validate-pipeline.ts';

const validate = (yaml: string) => validatePipeline(parsePipeline(yaml));
const res = 'resources:\n- name: r\n  type: t\n';

describe('validatePipeline', () => {
  it('accepts a minimal valid pipeline', () => {
    assert.deepEqual(validate(`${res}jobs:\n- name: j\n  plan:\n  - get: r\n`), {
      errors: [],
      warnings: [],
    });
  });

  it('formats errors per section in wire form', () => {
    const { errors } = validate(`${res}jobs: []\n`);
    assert.deepEqual(errors, [
      "invalid resources:\n\tresource 'r' is not used\n",
      'invalid jobs:\n\tpipeline must contain at least one job\n',
    ]);
  });

  it('reports unknown step fields with the step context', () => {
    const { errors } = validate(
      `${res}jobs:\n- name: j\n  plan:\n  - {get: r, bogus: 1, extra: 2}\n`,
    );
    assert.deepEqual(errors, [
      'invalid jobs:\n\tjobs.j.plan.do[0]: unknown fields ["bogus" "extra"]\n',
    ]);
  });

  it('reports an unknown resource in a get and a put', () => {
    const { errors } = validate('jobs:\n- name: j\n  plan:\n  - get: nope\n  - put: nada\n');
    assert.deepEqual(errors, [
      "invalid jobs:\n\tjobs.j.plan.do[0].get(nope): unknown resource 'nope'\n\tjobs.j.plan.do[1].put(nada): unknown resource 'nada'\n",
    ]);
  });

  it('reports passed constraints naming unknown jobs or jobs without the resource', () => {
    const { errors } = validate(
      `${res}- name: s\n  type: t\njobs:\n- name: a\n  plan: [{get: s}]\n- name: b\n  plan: [{get: r, passed: [a, zz]}]\n`,
    );
    assert.match(
      errors[0]!,
      /jobs\.b\.plan\.do\[0\]\.get\(r\)\.passed: job 'a' does not interact with resource 'r'/,
    );
    assert.match(errors[0]!, /jobs\.b\.plan\.do\[0\]\.get\(r\)\.passed: unknown job 'zz'/);
  });

  it('reports a repeated get name in a job', () => {
    const { errors } = validate(`${res}jobs:\n- name: j\n  plan: [{get: r}, {get: r}]\n`);
    assert.match(errors[0]!, /jobs\.j\.plan\.do\[1\]\.get\(r\): repeated name/);
  });

  it('requires exactly one of file and config on a task', () => {
    const { errors } = validate('jobs:\n- name: j\n  plan: [{task: t}]\n');
    assert.match(
      errors[0]!,
      /jobs\.j\.plan\.do\[0\]\.task\(t\): must specify either `file:` or `config:`/,
    );
  });

  it('reports task config problems under .config', () => {
    const { errors } = validate(
      'jobs:\n- name: j\n  plan:\n  - task: t\n    config: {run: {path: x}, inputs: [{path: a}], color: red}\n',
    );
    const lines = errors[0]!.split('\n');
    assert.ok(lines.includes('\tjobs.j.plan.do[0].task(t).config: unknown fields ["color"]'));
    assert.ok(lines.includes("\tjobs.j.plan.do[0].task(t).config: missing 'platform'"));
    assert.ok(
      lines.includes('\tjobs.j.plan.do[0].task(t).config:   input in position 0 is missing a name'),
    );
  });

  it('rejects invalid timeouts and non-positive attempts', () => {
    const { errors } = validate(
      `${res}jobs:\n- name: j\n  plan:\n  - {get: r, attempts: 0}\n  - {do: [{get: r2, resource: r}], timeout: soon}\n`,
    );
    assert.match(errors[0]!, /jobs\.j\.plan\.do\[0\]\.attempts: must be greater than 0/);
    assert.match(errors[0]!, /jobs\.j\.plan\.do\[1\]\.timeout: invalid duration 'soon'/);
  });

  it('warns about shadowed local vars and rejects repeated ones', () => {
    const { errors, warnings } = validate(
      'jobs:\n- name: j\n  plan:\n  - {load_var: v, file: f}\n  - {load_var: v, file: f}\n  - across: [{var: v, values: [1]}]\n    load_var: w\n    file: f\n',
    );
    assert.match(errors[0]!, /jobs\.j\.plan\.do\[1\]\.load_var\(v\): repeated var name/);
    assert.ok(
      warnings.some((w) => w.type === 'var_shadowed' && /shadows local var 'v'/.test(w.message)),
    );
  });

  it('requires every job to be in a group when groups exist', () => {
    const { errors } = validate(
      `${res}groups: [{name: g, jobs: [a*]}]\njobs:\n- name: a1\n  plan: [{get: r}]\n- name: b\n  plan: [{get: r}]\n`,
    );
    assert.deepEqual(errors, ["invalid groups:\n\tjob 'b' belongs to no group\n"]);
  });

  it('reports duplicate names', () => {
    const { errors } = validate(
      `${res}- name: r\n  type: t\njobs:\n- name: j\n  plan: [{get: r}]\n`,
    );
    assert.deepEqual(errors, [
      "invalid resources:\n\tresources[0] and resources[1] have the same name ('r')\n",
    ]);
  });

  it('detects cycles through passed constraints', () => {
    const { errors } = validate(
      `${res}jobs:\n- name: a\n  plan: [{get: r, passed: [b]}]\n- name: b\n  plan: [{get: r, passed: [a]}]\n`,
    );
    assert.match(errors[0]!, /pipeline contains a cycle that starts at Job 'a'/);
  });

  it('warns that build_logs_to_retain is deprecated', () => {
    const { warnings } = validate(
      `${res}jobs:\n- name: j\n  build_logs_to_retain: 5\n  plan: [{get: r}]\n`,
    );
    assert.deepEqual(
      warnings.map((w) => w.type),
      ['deprecated_field'],
    );
  });

  it('rejects unsupported var source types', () => {
    const { errors } = validate(
      `${res}var_sources: [{name: v, type: nope}]\njobs:\n- name: j\n  plan: [{get: r}]\n`,
    );
    assert.deepEqual(errors, [
      'invalid variable sources:\n\tunknown credential manager type: nope\n',
    ]);
  });

  it('rejects a background image with another scheme', () => {
    const { errors } = validate(
      `${res}display: {background_image: 'ftp://x/y.png'}\njobs:\n- name: j\n  plan: [{get: r}]\n`,
    );
    assert.deepEqual(errors, [
      'invalid display config:\n\tbackground_image scheme must be either http, https or relative\n',
    ]);
  });
});
