import { deflateSync, inflateSync } from 'node:zlib';
import { describe, it, expect } from 'vitest';
import { checkUserSig, computeSig, decodeUserSig, signUserSig } from '../../src/tencent/user-sig.js';

// The test vector of tencent-chat-rest.md, computed with Tencent's official Node library.
const VECTOR = {
  sdkAppId: 1400000000,
  secretKey: '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e',
  identifier: 'xiaojun',
  timeSeconds: 1700000000,
  expireSeconds: 15552000,
} as const;
const VECTOR_SIG = 'LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=';
const EXPECTED = {
  sdkAppId: VECTOR.sdkAppId,
  secretKey: VECTOR.secretKey,
  identifier: VECTOR.identifier,
  nowSeconds: VECTOR.timeSeconds + 60,
};

function toStdBase64(userSig: string): string {
  return userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
}

/** Rebuilds a UserSig around a changed document, the way an attacker or a bug would. */
function reencode(doc: object): string {
  return deflateSync(Buffer.from(JSON.stringify(doc)))
    .toString('base64')
    .replace(/\+/g, '*')
    .replace(/\//g, '-')
    .replace(/=/g, '_');
}

describe('computeSig', () => {
  it('matches the official test vector', () => {
    expect(computeSig(VECTOR)).toBe(VECTOR_SIG);
  });

  it('keys the HMAC with the secret key as text, not hex-decoded', () => {
    expect(computeSig({ ...VECTOR, secretKey: VECTOR.secretKey.toUpperCase() })).not.toBe(VECTOR_SIG);
  });
});

describe('signUserSig', () => {
  const userSig = signUserSig(VECTOR);

  it('holds the document of the test vector', () => {
    expect(decodeUserSig(userSig)).toEqual({
      'TLS.ver': '2.0',
      'TLS.identifier': 'xiaojun',
      'TLS.sdkappid': 1400000000,
      'TLS.expire': 15552000,
      'TLS.time': 1700000000,
      'TLS.sig': VECTOR_SIG,
    });
  });

  it('stores numbers as JSON numbers, not strings', () => {
    const json = inflateSync(Buffer.from(toStdBase64(userSig), 'base64')).toString('utf8');
    expect(json).toContain('"TLS.sdkappid":1400000000');
    expect(json).toContain('"TLS.expire":15552000');
    expect(json).toContain('"TLS.time":1700000000');
  });

  it('uses Tencent escaping (* - _) instead of + / =, not RFC base64url', () => {
    const samples = Array.from({ length: 200 }, (_, i) => signUserSig({ ...VECTOR, identifier: `user-${i}` }));
    for (const s of [userSig, ...samples]) {
      expect(s).toMatch(/^[A-Za-z0-9*_-]+$/);
      // Un-escaped, it must be canonical standard base64: base64url or no escaping fails here.
      const std = toStdBase64(s);
      expect(Buffer.from(std, 'base64').toString('base64')).toBe(std);
    }
    expect(samples.some((s) => s.includes('*'))).toBe(true);
    expect(samples.some((s) => s.includes('-'))).toBe(true);
    expect(samples.some((s) => s.endsWith('_'))).toBe(true);
  });

  it('is a zlib stream with a header', () => {
    expect(Buffer.from(toStdBase64(userSig), 'base64')[0]).toBe(0x78);
  });

  it('rejects text that is not a UserSig when decoding', () => {
    expect(() => decodeUserSig('not-a-usersig')).toThrow();
    expect(() => decodeUserSig(reencode({ hello: 'world' }))).toThrow('not a TLSSigAPIv2 document');
  });
});

describe('checkUserSig', () => {
  const userSig = signUserSig(VECTOR);

  it('accepts the genuine sig until time + expire', () => {
    expect(checkUserSig(userSig, EXPECTED)).toEqual({ ok: true, expiresAtSeconds: 1700000000 + 15552000 });
  });

  it('rejects an expired sig (expire is a duration, not a timestamp)', () => {
    expect(checkUserSig(userSig, { ...EXPECTED, nowSeconds: 1700000000 + 15552000 })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('rejects a sig for another identifier or app', () => {
    expect(checkUserSig(userSig, { ...EXPECTED, identifier: 'admin' })).toEqual({ ok: false, reason: 'wrong-identity' });
    expect(checkUserSig(userSig, { ...EXPECTED, sdkAppId: 1400000001 })).toEqual({ ok: false, reason: 'wrong-identity' });
  });

  it('rejects a sig made with another key', () => {
    const other = signUserSig({ ...VECTOR, secretKey: 'another-key' });
    expect(checkUserSig(other, EXPECTED)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a tampered document whose TLS.sig no longer matches', () => {
    const doc = decodeUserSig(userSig);
    const longer = reencode({ ...doc, 'TLS.expire': doc['TLS.expire'] * 10 });
    expect(checkUserSig(longer, EXPECTED)).toEqual({ ok: false, reason: 'bad-signature' });
    const renamed = reencode({ ...doc, 'TLS.identifier': 'admin' });
    expect(checkUserSig(renamed, { ...EXPECTED, identifier: 'admin' })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects garbage and a damaged string as malformed', () => {
    expect(checkUserSig('', EXPECTED)).toEqual({ ok: false, reason: 'malformed' });
    expect(checkUserSig(userSig.slice(0, -12), EXPECTED)).toEqual({ ok: false, reason: 'malformed' });
  });
});
