import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSealed, sealValue, sign } from './signing.ts';

const key = Buffer.alloc(32, 1);

describe('values signed with the session key', () => {
  it('opens what it sealed, before it expires', () => {
    const sealed = sealValue(key, 'login-state', { flyPort: '4567' }, 60_000);
    assert.equal(openSealed<{ flyPort: string }>(key, 'login-state', sealed)?.flyPort, '4567');
  });

  it('refuses a tampered, expired, foreign-key or other-purpose value', () => {
    const sealed = sealValue(key, 'login-state', { flyPort: '1' }, 60_000);
    const [body, signature] = sealed.split('.');
    const forged = Buffer.from(JSON.stringify({ flyPort: '2', exp: Date.now() + 60_000 }));
    assert.equal(
      openSealed(key, 'login-state', `${forged.toString('base64url')}.${signature}`),
      null,
    );
    assert.equal(openSealed(key, 'login-state', sealValue(key, 'login-state', {}, -1)), null);
    assert.equal(openSealed(Buffer.alloc(32, 2), 'login-state', sealed), null);
    assert.equal(openSealed(key, 'csrf', sealed), null);
    assert.equal(openSealed(key, 'login-state', `${body}`), null);
    assert.equal(openSealed(key, 'login-state', undefined), null);
  });

  it('gives different signatures for different purposes', () => {
    assert.notEqual(sign(key, 'csrf', 'x'), sign(key, 'login-state', 'x'));
  });
});
