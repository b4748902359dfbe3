import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadYaml } from './load-yaml.ts';

function load(text: string): unknown {
  const loaded = loadYaml(text);
  if ('detail' in loaded) throw new Error(loaded.detail);
  return loaded.value;
}

function failure(text: string): string {
  const loaded = loadYaml(text);
  assert.ok('detail' in loaded, `expected ${JSON.stringify(text)} to fail`);
  return loaded.detail;
}

const scalar = (text: string) => (load(`v: ${text}\n`) as { v: unknown }).v;

describe('loadYaml', () => {
  it('resolves plain scalars like go-yaml v2 (YAML 1.1)', () => {
    const cases: Array<[string, unknown]> = [
      ['yes', true],
      ['No', false],
      ['ON', true],
      ['off', false],
      ['y', true],
      ['n', false],
      ['tRUE', 'tRUE'],
      ['~', null],
      ['Null', null],
      ['', null],
      ['0755', 493],
      ['089', 89],
      ['0x1F', 31],
      ['-0b11', -3],
      ['1_000', 1000],
      ['+12', 12],
      ['1.50', 1.5],
      ['.5', 0.5],
      ['1.', 1],
      ['1e5', 100000],
      ['1.0e+5', 100000],
      ['.inf', 'Infinity'],
      ['-.Inf', '-Infinity'],
      ['.NaN', 'NaN'],
      ['12:30', '12:30'],
      ['2001-12-14', '2001-12-14'],
      ['0o17', '0o17'],
      ['0x_', '0x_'],
      ['<<', '<<'],
    ];
    for (const [text, expected] of cases) assert.deepEqual(scalar(text), expected, text);
  });

  it('keeps a lone dot, a sign or an exponent without digits as a string', () => {
    for (const text of ['.', '-.', '+.', 'e5', '.e5']) assert.equal(scalar(text), text);
    assert.deepEqual(load('inputs: [{name: src, path: .}]'), {
      inputs: [{ name: 'src', path: '.' }],
    });
  });

  it('never resolves quoted scalars', () => {
    assert.deepEqual(load(`a: "yes"\nb: '0755'\nc: "~"`), { a: 'yes', b: '0755', c: '~' });
  });

  it('applies explicit tags and keeps the text when it does not fit the tag', () => {
    assert.equal(scalar('!!int "12"'), 12);
    assert.equal(scalar('!!str 123'), '123');
    assert.equal(scalar('!!int 1.5'), '1.5');
    assert.equal(scalar('!!bool maybe'), 'maybe');
    assert.equal(scalar('!!binary aGVs bG8='), 'aGVsbG8=');
  });

  it('reads unknown and unsupported tags as the plain node they tag', () => {
    assert.equal(scalar('!custom x'), 'x');
    assert.equal(scalar('!!timestamp 2001-12-14'), '2001-12-14');
    assert.deepEqual(scalar('!!omap [a: 1, b: 2]'), [{ a: 1 }, { b: 2 }]);
    assert.deepEqual(scalar('!!set {a, b}'), { a: null, b: null });
    assert.deepEqual(scalar('!thing {a: [1]}'), { a: [1] });
  });

  it('turns keys into JSON object keys', () => {
    assert.deepEqual(load('~: a\nyes: b\n0755: c\n1.5: d'), {
      '': 'a',
      true: 'b',
      493: 'c',
      1.5: 'd',
    });
    const proto = load('__proto__: {x: 1}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(proto), ['__proto__']);
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
  });

  it('lets explicit keys win over merged ones wherever the merge key stands', () => {
    const base = 'base: &b {x: 1, y: 2}\n';
    assert.deepEqual(load(`${base}m:\n  <<: *b\n  y: 3`), {
      base: { x: 1, true: 2 },
      m: { x: 1, true: 3 },
    });
    assert.deepEqual((load(`${base}m:\n  y: 3\n  <<: *b`) as { m: unknown }).m, { true: 3, x: 1 });
  });

  it('merges a list of mappings, the first one winning', () => {
    const text = 'a: &a {x: 1}\nc: &c {x: 2, z: 1}\nm:\n  <<: [*a, *c]\n';
    assert.deepEqual((load(text) as { m: unknown }).m, { x: 1, z: 1 });
  });

  it('rejects a merge of something that is not a mapping', () => {
    assert.match(failure('a: &a [1]\nm:\n  <<: *a'), /^yaml: line 3: cannot merge mappings/);
  });

  it('rejects duplicate keys with their line, but not a merged key given again', () => {
    assert.equal(failure('a: 1\nb: 2\na: 3'), 'yaml: line 3: mapping keys must be unique');
    assert.deepEqual(load('a: &a {x: 1}\nm:\n  <<: *a\n  x: 2'), { a: { x: 1 }, m: { x: 2 } });
  });

  it('gives every alias its own copy', () => {
    const value = load('a: &a {list: [1]}\nb: *a\nc: *a') as Record<string, { list: number[] }>;
    assert.notEqual(value.b, value.c);
    assert.notEqual(value.b!.list, value.a!.list);
    assert.deepEqual(value.c, { list: [1] });
  });

  it('accepts thousands of aliases of a small anchor', () => {
    const value = load(`a: &a x\nl: [${Array(5000).fill('*a').join(', ')}]`) as { l: string[] };
    assert.equal(value.l.length, 5000);
  });

  it('rejects a long string aliased until the expanded document is too large', () => {
    const text = `a: &a "${'x'.repeat(100_000)}"\nl: [${Array(200).fill('*a').join(', ')}]`;
    assert.equal(failure(text), 'yaml: document is too large once its aliases are expanded');
  });

  it('rejects an alias to an unknown anchor and a recursive alias', () => {
    assert.equal(failure('a: *nope'), 'yaml: line 1: unidentified alias "nope"');
    assert.match(failure('- &a [*a]'), /nests deeper than 256 levels/);
  });

  it('reads only the first document, ignoring errors in later ones', () => {
    assert.deepEqual(load('a: 1\n---\nb: [\n'), { a: 1 });
    assert.deepEqual(load('a: 1\n---\nb: 1\nb: 2\n'), { a: 1 });
    assert.equal(load(''), null);
    assert.equal(load('# only a comment\n'), null);
    assert.match(failure('# comment\n---\na: [\n'), /^yaml: line \d+: /);
  });

  it('rejects control characters like go-yaml', () => {
    assert.match(failure('a: x\x07y'), /non-printable/);
  });
});
