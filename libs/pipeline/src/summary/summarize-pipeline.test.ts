import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePipeline } from '../config/parse-pipeline.ts';
import { summarizePipeline } from './summarize-pipeline.ts';

describe('summarizePipeline', () => {
  it('lists job inputs, outputs, groups and the effective max in flight', () => {
    const summary = summarizePipeline(
      parsePipeline(`groups: [{name: g, jobs: ['*'], resources: [r]}]
resources: [{name: r, type: git, source: {uri: u}, version: {ref: a}}]
jobs:
- name: a
  serial_groups: [s]
  max_in_flight: 5
  plan: [{get: r, trigger: true}, {put: r}]
- name: b
  max_in_flight: 3
  plan: [{get: src, resource: r, passed: [a]}]
`),
    );
    const [a, b] = summary.jobs;
    assert.deepEqual(a!.inputs, [{ name: 'r', resource: 'r', trigger: true }]);
    assert.deepEqual(a!.outputs, [{ name: 'r', resource: 'r' }]);
    assert.equal(a!.maxInFlight, 1);
    assert.deepEqual(a!.groups, ['g']);
    assert.deepEqual(b!.inputs, [{ name: 'src', resource: 'r', trigger: false, passed: ['a'] }]);
    assert.equal(b!.maxInFlight, 3);
    assert.deepEqual(summary.resources[0]!.pinnedVersion, { ref: 'a' });
    assert.deepEqual(summary.groups, [{ name: 'g', jobs: ['a', 'b'], resources: ['r'] }]);
  });
});
