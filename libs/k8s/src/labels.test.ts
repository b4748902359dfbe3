import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { annotationKeys, labelKeys, labelValue, stepAnnotations, stepLabels } from './labels.ts';

const labelSyntax = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function assertValidLabel(value: string): void {
  assert.match(value, labelSyntax, value);
  assert.ok(value.length <= 63, `${value} is ${value.length} long`);
}

describe('label values', () => {
  it('follow label syntax for hostile step names', () => {
    for (const text of [
      'build image',
      'Run_Tests/unit',
      '-leading-dash-and-trailing.',
      '100%+more',
      'freshen-🐋',
      '🐋',
      '._-',
      'a'.repeat(200),
      `${'a'.repeat(60)}.-_${'b'.repeat(10)}`,
    ]) {
      assertValidLabel(labelValue(text));
    }
  });

  it('keep a valid value unchanged', () => {
    assert.equal(labelValue('Run_Tests.unit-1'), 'Run_Tests.unit-1');
    assert.equal(labelValue(''), '');
  });

  it('keep cut values apart with a hash', () => {
    const a = labelValue(`${'x'.repeat(70)}a`);
    const b = labelValue(`${'x'.repeat(70)}b`);
    assert.notEqual(a, b);
    assertValidLabel(a);
  });

  it('never leave a non-empty name with an empty value', () => {
    assert.notEqual(labelValue('🐋'), '');
    assert.notEqual(labelValue('🐋'), labelValue('🐳'));
  });
});

describe('step labels and annotations', () => {
  it('label the worker, pipeline, job, build, step and handle', () => {
    const labels = stepLabels({
      namespace: 'ci',
      pipeline: 'release candidate',
      job: 'Build Image',
      buildId: 42,
      stepName: '-leading-dash-and-trailing.',
      handle: 'a'.repeat(32),
    });
    assert.equal(labels[labelKeys.worker], 'k8s-ci');
    assert.equal(labels[labelKeys.pipeline], 'release-candidate');
    assert.equal(labels[labelKeys.job], 'Build-Image');
    assert.equal(labels[labelKeys.build], '42');
    assert.equal(labels[labelKeys.step], 'leading-dash-and-trailing');
    assert.equal(labels[labelKeys.handle], 'a'.repeat(32));
    for (const value of Object.values(labels)) assertValidLabel(value);
  });

  it('omit pipeline and job for one-off builds', () => {
    const labels = stepLabels({
      namespace: 'ci',
      pipeline: null,
      job: null,
      buildId: 1,
      stepName: 'one-off',
      handle: 'b'.repeat(32),
    });
    assert.equal(labels[labelKeys.pipeline], undefined);
    assert.equal(labels[labelKeys.job], undefined);
  });

  it('keep the full names in annotations', () => {
    const annotations = stepAnnotations({
      team: 'main',
      pipeline: 'freshen-🐋',
      job: 'Build Image',
      buildId: 3,
      buildName: '12.1',
      stepName: 'Run_Tests/unit',
      stepType: 'task',
      planId: 'abc',
      attempt: '1',
    });
    assert.equal(annotations[annotationKeys.pipeline], 'freshen-🐋');
    assert.equal(annotations[annotationKeys.job], 'Build Image');
    assert.equal(annotations[annotationKeys.step], 'Run_Tests/unit');
  });
});
