import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePipeline } from '../config/parse-pipeline.ts';
import { collectVars } from './collect-vars.ts';
import { interpolateTemplate } from './interpolate-template.ts';
import { lookupIn, resolveVars } from './resolve-vars.ts';
import { parseVarRef } from './var-ref.ts';

describe('vars', () => {
  it('keeps the type of a var that is the whole value', () => {
    const out = resolveVars(
      { n: '((n))', b: '((b))', l: '((l))' },
      lookupIn({ n: 1234567, b: true, l: [1] }),
    );
    assert.deepEqual(out, { n: 1234567, b: true, l: [1] });
  });

  it('stringifies a var embedded in text', () => {
    const out = resolveVars({ s: 'id-((n))', o: 'x((o))' }, lookupIn({ n: 7, o: { a: 1 } }));
    assert.deepEqual(out, { s: 'id-7', o: 'x{"a":1}' });
  });

  it('leaves unresolved vars in place', () => {
    assert.deepEqual(resolveVars(['((missing))', 'a-((missing))'], lookupIn({})), [
      '((missing))',
      'a-((missing))',
    ]);
  });

  it('follows fields of a var', () => {
    assert.equal(resolveVars('((docker.username))', lookupIn({ docker: { username: 'u' } })), 'u');
  });

  it('parses var sources, local vars and quoted fields', () => {
    assert.deepEqual(parseVarRef('vault:secret.key'), {
      source: 'vault',
      path: 'secret',
      fields: ['key'],
    });
    assert.deepEqual(parseVarRef('.:version.hello'), {
      source: '.',
      path: 'version',
      fields: ['hello'],
    });
    assert.deepEqual(parseVarRef('a."b.c"'), { path: 'a', fields: ['b.c'] });
  });

  it('does not treat shell arithmetic with spaces as a var', () => {
    assert.equal(resolveVars('$(( a / 2 ))', lookupIn({ a: 1 })), '$(( a / 2 ))');
    assert.equal(
      resolveVars('$((a/2))', () => ({ found: true, value: 'X' })),
      '$X',
    );
  });

  it('leaves local vars for run time when interpolating a template', () => {
    const text = interpolateTemplate(
      'jobs:\n- name: ((first))-job\n  plan: [{task: "((.:x))"}]\n',
      { first: 'a' },
    );
    const config = parsePipeline(text);
    assert.equal(config.jobs![0]!.name, 'a-job');
    assert.equal(config.jobs![0]!.plan[0]!.task, '((.:x))');
  });

  it('collects -l files, -y yaml, -v strings and -i instance vars, later flags winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-vars-'));
    const file = join(dir, 'vars.yml');
    writeFileSync(file, 'a: from-file\nb: 2\nflag: yes\n');
    const { vars, instanceVars } = collectVars({
      varFiles: [file],
      yamlVars: ['n=12', 'list=[1, 2]'],
      vars: ['a=from-flag', 'nested.key=v'],
      instanceVars: ['branch=main', 'num=3'],
    });
    assert.deepEqual(vars, {
      a: 'from-flag',
      b: 2,
      flag: true,
      n: 12,
      list: [1, 2],
      nested: { key: 'v' },
      branch: 'main',
      num: 3,
    });
    assert.deepEqual(instanceVars, { branch: 'main', num: 3 });
  });

  it('returns null instance vars when none are given', () => {
    assert.equal(collectVars({ vars: ['a=b'] }).instanceVars, null);
  });
});
