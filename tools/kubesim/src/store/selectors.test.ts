import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { StatusError } from '../server/status-error.ts';

const labels = { 'concourse.ci/worker': 'k8s', tier: 'web', env: 'prod' };

describe('label selectors', () => {
  it('matches equality, inequality and existence', () => {
    assert.equal(parseLabelSelector('tier=web')(labels), true);
    assert.equal(parseLabelSelector('tier==web,env=prod')(labels), true);
    assert.equal(parseLabelSelector('tier!=web')(labels), false);
    assert.equal(parseLabelSelector('missing!=x')(labels), true);
    assert.equal(parseLabelSelector('concourse.ci/worker')(labels), true);
    assert.equal(parseLabelSelector('!concourse.ci/worker')(labels), false);
    assert.equal(parseLabelSelector('!missing')(labels), true);
  });

  it('matches set membership', () => {
    assert.equal(parseLabelSelector('env in (dev, prod)')(labels), true);
    assert.equal(parseLabelSelector('env notin (dev,prod)')(labels), false);
    assert.equal(parseLabelSelector('env in (dev),tier=web')(labels), false);
    assert.equal(parseLabelSelector('missing notin (a)')(labels), true);
  });

  it('rejects malformed selectors as BadRequest', () => {
    assert.throws(
      () => parseLabelSelector('bad key=x'),
      (e: StatusError) => e.code === 400,
    );
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'p1', namespace: 'default' }, status: { phase: 'Running' } };
  const fields = ['metadata.name', 'metadata.namespace', 'status.phase'];

  it('matches fields by path', () => {
    assert.equal(parseFieldSelector('metadata.name=p1', fields)(pod), true);
    assert.equal(parseFieldSelector('status.phase!=Running', fields)(pod), false);
    assert.equal(parseFieldSelector('metadata.name==p1,status.phase=Running', fields)(pod), true);
  });

  it('rejects unsupported fields', () => {
    assert.throws(() => parseFieldSelector('spec.foo=x', fields), /field label not supported/);
  });
});
