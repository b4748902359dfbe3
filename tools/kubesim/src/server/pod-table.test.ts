import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { podStatusText } from './pod-table.ts';
import type { KubeObject } from '../store/types.ts';

function pod(status: object, deleting = false): KubeObject {
  return {
    metadata: { name: 'p', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    status,
  };
}

describe('pod STATUS column', () => {
  it('shows a waiting reason over the phase', () => {
    const status = {
      phase: 'Pending',
      containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff' } } }],
    };
    assert.equal(podStatusText(pod(status)), 'ImagePullBackOff');
  });

  it('shows init progress while init containers run', () => {
    const status = {
      phase: 'Pending',
      initContainerStatuses: [
        { state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { state: { running: {} } },
      ],
    };
    assert.equal(podStatusText(pod(status)), 'Init:1/2');
  });

  it('shows Completed, Error and Terminating like kubectl', () => {
    const done = (exitCode: number, reason: string) => ({
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      containerStatuses: [{ state: { terminated: { exitCode, reason } } }],
    });
    assert.equal(podStatusText(pod(done(0, 'Completed'))), 'Completed');
    assert.equal(podStatusText(pod(done(1, 'Error'))), 'Error');
    assert.equal(podStatusText(pod({ phase: 'Running' }, true)), 'Terminating');
  });
});
