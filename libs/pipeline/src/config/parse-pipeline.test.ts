import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MalformedConfigError } from '../errors.ts';
import { parsePipeline } from './parse-pipeline.ts';

const job = 'jobs:\n- name: j\n  plan:\n  - get: r\n';

describe('parsePipeline', () => {
  it('reads yes/no/on/off as YAML 1.1 booleans', () => {
    const c = parsePipeline(
      `${job}    trigger: yes\nresources:\n- name: r\n  type: t\n  public: on\n  source: {a: no, b: off, c: "yes"}\n`,
    );
    assert.equal(c.jobs![0]!.plan[0]!.trigger, true);
    assert.equal(c.resources![0]!.public, true);
    assert.deepEqual(c.resources![0]!.source, { a: false, b: false, c: 'yes' });
  });

  it('keeps timestamps and h:m values as strings like go-yaml v2', () => {
    const c = parsePipeline(
      `${job}resources:\n- name: r\n  type: t\n  source: {d: 2001-12-14, t: 12:30, o: 0755}\n`,
    );
    assert.deepEqual(c.resources![0]!.source, { d: '2001-12-14', t: '12:30', o: 493 });
  });

  it('applies << merge keys, also written with a space before the colon', () => {
    const c = parsePipeline(
      `base: &b {repository: x, tag: '1'}\n${job}resources:\n- name: r\n  type: t\n  source:\n    << : *b\n    tag: '2'\n`,
    );
    assert.deepEqual(c.resources![0]!.source, { repository: 'x', tag: '2' });
  });

  it('lets a redefined anchor win for later aliases', () => {
    const c = parsePipeline(
      `a: &x {v: 1}\nb: &x {v: 2}\n${job}resources:\n- name: r\n  type: t\n  source: *x\n`,
    );
    assert.deepEqual(c.resources![0]!.source, { v: 2 });
  });

  it('rejects duplicate mapping keys', () => {
    assert.throws(
      () => parsePipeline(`${job}resources: []\nresources: []\n`),
      (e: unknown) => e instanceof MalformedConfigError && /unique/.test(e.message),
    );
  });

  it('drops unknown top-level keys from the stored config', () => {
    const c = parsePipeline(`task-config: &t {platform: linux}\n${job}`);
    assert.deepEqual(Object.keys(c), ['jobs']);
  });

  it('rejects unknown keys below the top level with their path', () => {
    assert.throws(() => parsePipeline(`${job}resources:\n- name: r\n  type: t\n  sauce: {}\n`), {
      message: 'malformed config: resources[0]: unknown field "sauce"',
    });
  });

  it('rejects a field of the wrong type', () => {
    assert.throws(() => parsePipeline('jobs:\n- name: j\n  serial: [1]\n  plan: []\n'), {
      message: 'malformed config: jobs[0].serial: expected boolean, got array',
    });
  });

  it('keeps unknown step keys for validation instead of rejecting them', () => {
    const c = parsePipeline('jobs:\n- name: j\n  plan:\n  - get: r\n    bogus: 1\n');
    assert.equal(c.jobs![0]!.plan[0]!.bogus, 1);
  });

  it('rejects a step with no step type', () => {
    assert.throws(() => parsePipeline('jobs:\n- name: j\n  plan:\n  - {bogus: 1}\n'), {
      message: 'malformed config: jobs[0].plan[0]: no step configured',
    });
  });

  it('rejects a step that only has modifiers', () => {
    assert.throws(
      () => parsePipeline('jobs:\n- name: j\n  plan:\n  - {attempts: 2}\n'),
      (e: unknown) => /no core step type declared/.test((e as Error).message),
    );
  });

  it('rejects a get step whose passed is not a list', () => {
    assert.throws(
      () => parsePipeline('jobs:\n- name: j\n  plan:\n  - {get: r, passed: a}\n'),
      (e: unknown) => /malformed get step/.test((e as Error).message),
    );
  });

  it('reads only the first document of a stream', () => {
    const c = parsePipeline(`${job}---\njobs: []\n`);
    assert.equal(c.jobs!.length, 1);
  });
});
