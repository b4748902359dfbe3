import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateIdentifier } from './identifier.ts';

const warning = (value: string) => {
  const r = validateIdentifier(value, 'pipeline');
  return r !== null && typeof r === 'object' ? r.message : r;
};

describe('validateIdentifier', () => {
  it('accepts lowercase, digits first, underscores and non-Latin letters', () => {
    for (const ok of ['something', '1something', '1_min', 'some_thing', 'ひらがな', 'a.b-c']) {
      assert.equal(validateIdentifier(ok, 'pipeline'), null, ok);
    }
  });

  it('returns an error for an empty name', () => {
    assert.equal(
      validateIdentifier('', 'jobs[0]'),
      'jobs[0]: identifier cannot be an empty string',
    );
  });

  it('warns when the name does not start with a lowercase letter or number', () => {
    assert.equal(
      warning('Something'),
      "pipeline: 'Something' is not a valid identifier: must start with a lowercase letter or a number",
    );
    assert.equal(
      warning('ＡＡＡＡ'),
      "pipeline: 'ＡＡＡＡ' is not a valid identifier: must start with a lowercase letter or a number",
    );
  });

  it('warns with the first illegal character, emoji included', () => {
    assert.equal(
      warning('some thing'),
      "pipeline: 'some thing' is not a valid identifier: illegal character ' '",
    );
    assert.equal(
      warning('freshen-🐋'),
      "pipeline: 'freshen-🐋' is not a valid identifier: illegal character '🐋'",
    );
    assert.equal(
      warning('100%-coverage'),
      "pipeline: '100%-coverage' is not a valid identifier: illegal character '%'",
    );
  });

  it('warns when the name is only digits', () => {
    assert.equal(
      warning('123'),
      "pipeline: '123' is not a valid identifier: cannot be just numbers",
    );
  });

  it('types the result as an invalid_identifier warning', () => {
    assert.equal((validateIdentifier('Bad', 'x') as { type: string }).type, 'invalid_identifier');
  });

  it('skips names built from across vars', () => {
    assert.equal(
      validateIdentifier('running-((.:name))', 'jobs.j.plan.do[0].across.task(x)'),
      null,
    );
  });
});
