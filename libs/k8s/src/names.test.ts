import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkHandle, containerHandle } from './handles.ts';
import { checkPodName, stepPodName, workerName } from './names.ts';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function assertValidName(name: string): void {
  assert.match(name, dnsLabel, name);
  assert.ok(name.length <= 63, `${name} is ${name.length} long`);
}

const longPipeline = 'release-candidate-validation-for-the-production-environment';
const longJob = 'build-and-publish-all-the-artifacts-for-every-supported-platform';

describe('container handles', () => {
  it('are 32 lowercase hex characters and stable', () => {
    const a = containerHandle({ buildId: 7, planId: 'abc', attempt: '1' });
    assert.match(a, /^[a-f0-9]{32}$/);
    assert.equal(a, containerHandle({ buildId: 7, planId: 'abc', attempt: '1' }));
  });

  it('differ per attempt, plan and build', () => {
    const handles = new Set([
      containerHandle({ buildId: 7, planId: 'abc', attempt: '1' }),
      containerHandle({ buildId: 7, planId: 'abc', attempt: '2' }),
      containerHandle({ buildId: 7, planId: 'abd', attempt: '1' }),
      containerHandle({ buildId: 8, planId: 'abc', attempt: '1' }),
    ]);
    assert.equal(handles.size, 4);
  });

  it('give check containers their own handles', () => {
    assert.match(checkHandle('scope-1', 3), /^[a-f0-9]{32}$/);
    assert.notEqual(checkHandle('scope-1', 3), checkHandle('scope-1', 4));
  });
});

describe('step pod names', () => {
  const handle = containerHandle({ buildId: 1, planId: 'p', attempt: '1' });

  it('read as pipeline, job, build, type and handle', () => {
    const name = stepPodName({
      pipeline: 'main',
      job: 'unit',
      buildName: '12',
      stepType: 'task',
      handle,
    });
    assert.equal(name, `main-unit-b12-task-${handle.slice(0, 8)}`);
  });

  it('name one-off builds as such', () => {
    const name = stepPodName({
      pipeline: null,
      job: null,
      buildName: '5',
      stepType: 'task',
      handle,
    });
    assert.equal(name, `oneoff-b5-task-${handle.slice(0, 8)}`);
  });

  it('stay valid and distinct per attempt for very long names and five-digit builds', () => {
    const names = ['1', '2', '3'].map((attempt) =>
      stepPodName({
        pipeline: longPipeline,
        job: longJob,
        buildName: '12345',
        stepType: 'task',
        handle: containerHandle({ buildId: 99, planId: 'x', attempt }),
      }),
    );
    for (const name of names) {
      assertValidName(name);
      assert.ok(name.includes('-b12345-task-'), name);
      assert.ok(name.startsWith('release-candidate'), name);
    }
    assert.equal(new Set(names).size, 3);
  });

  it('survive spaces, capitals, slashes, percent, plus, dots, emoji and edge dashes', () => {
    const hostile = [
      'Build Image',
      'Run_Tests/unit',
      '-leading-dash-and-trailing.',
      '100%+more',
      'v1.2.3',
      'freshen-🐋',
      'ＡＡＡＡ',
      '🐋🐋',
      '...',
      '',
    ];
    for (const text of hostile) {
      const name = stepPodName({
        pipeline: text,
        job: text,
        buildName: `${text}.1`,
        stepType: 'get',
        handle,
      });
      assertValidName(name);
    }
    const emojiOnly = stepPodName({
      pipeline: '🐋',
      job: '🐳',
      buildName: '1',
      stepType: 'task',
      handle,
    });
    assertValidName(emojiOnly);
    const fullwidth = stepPodName({
      pipeline: 'p',
      job: 'ＡＡＡＡ',
      buildName: '1',
      stepType: 'task',
      handle,
    });
    assert.ok(fullwidth.startsWith('p-aaaa-b1-task-'), fullwidth);
  });

  it('keep a rerun build name readable', () => {
    const name = stepPodName({
      pipeline: 'p',
      job: 'j',
      buildName: '12.1',
      stepType: 'put',
      handle,
    });
    assert.equal(name, `p-j-b12-1-put-${handle.slice(0, 8)}`);
  });
});

describe('check pod names', () => {
  it('start with chk and end with the handle', () => {
    const handle = checkHandle('scope', 1);
    assert.equal(checkPodName('my-repo', handle), `chk-my-repo-${handle.slice(0, 8)}`);
    assertValidName(checkPodName(`${longPipeline}-${longJob}`, handle));
    assertValidName(checkPodName('Repo With Spaces/🐋.', handle));
  });
});

describe('worker name', () => {
  it('is k8s-<namespace>', () => {
    assert.equal(workerName('ci'), 'k8s-ci');
  });
});
