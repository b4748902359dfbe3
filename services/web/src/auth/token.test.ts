import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessTokenExpiry, mintAccessToken } from './token.ts';

describe('access tokens', () => {
  it('encodes the expiry in the last 8 bytes so fly targets can show it', () => {
    const expiresAt = new Date('2031-05-06T07:08:09Z');
    const token = mintAccessToken(expiresAt);

    assert.equal(token.length, 38);
    assert.doesNotMatch(token, /=/);
    const raw = Buffer.from(token, 'base64');
    assert.equal(raw.length, 28);
    assert.equal(raw.readBigUInt64LE(20), BigInt(expiresAt.getTime() / 1000));
    assert.deepEqual(accessTokenExpiry(token), expiresAt);
  });

  it('mints a different token every time', () => {
    const at = new Date();
    assert.notEqual(mintAccessToken(at), mintAccessToken(at));
  });

  it('recognises nothing else as a token', () => {
    assert.equal(accessTokenExpiry('not-a-token'), null);
    assert.equal(accessTokenExpiry(Buffer.alloc(27).toString('base64')), null);
  });
});
