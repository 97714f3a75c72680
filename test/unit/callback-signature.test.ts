import { describe, expect, it } from 'vitest';
import { callbackSign, checkCallbackSignature } from '../../src/callbacks/callback-signature.js';

// The worked example of Tencent's "Webhook Overview" (Security Considerations).
const DOC_TOKEN = 'xxxxyyyy';
const DOC_TIME = '1669872112';
const DOC_SIGN = '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061';
const AT_DOC_TIME = Number(DOC_TIME) * 1000;

describe('Tencent callback Sign = sha256(token + RequestTime)', () => {
  it("matches the example of Tencent's documentation", () => {
    expect(callbackSign(DOC_TOKEN, DOC_TIME)).toBe(DOC_SIGN);
    expect(checkCallbackSignature({ token: DOC_TOKEN, sign: DOC_SIGN, requestTime: DOC_TIME, nowMs: AT_DOC_TIME })).toBe('ok');
  });

  it('accepts an upper-case hex Sign and a RequestTime within 60 s either way', () => {
    expect(checkCallbackSignature({ token: DOC_TOKEN, sign: DOC_SIGN.toUpperCase(), requestTime: DOC_TIME, nowMs: AT_DOC_TIME })).toBe(
      'ok',
    );
    expect(checkCallbackSignature({ token: DOC_TOKEN, sign: DOC_SIGN, requestTime: DOC_TIME, nowMs: AT_DOC_TIME + 60_000 })).toBe('ok');
    expect(checkCallbackSignature({ token: DOC_TOKEN, sign: DOC_SIGN, requestTime: DOC_TIME, nowMs: AT_DOC_TIME - 60_000 })).toBe('ok');
  });

  it('refuses a RequestTime more than the skew away (a replay), even with the right Sign', () => {
    expect(checkCallbackSignature({ token: DOC_TOKEN, sign: DOC_SIGN, requestTime: DOC_TIME, nowMs: AT_DOC_TIME + 61_000 })).toBe('stale');
    expect(checkCallbackSignature({ token: DOC_TOKEN, sign: DOC_SIGN, requestTime: DOC_TIME, nowMs: AT_DOC_TIME - 61_000 })).toBe('stale');
    expect(
      checkCallbackSignature({
        token: DOC_TOKEN,
        sign: DOC_SIGN,
        requestTime: DOC_TIME,
        nowMs: AT_DOC_TIME + 200_000,
        maxSkewSeconds: 300,
      }),
    ).toBe('ok');
  });

  it.each([
    ['another token', { token: 'xxxxyyyz' }],
    ['a Sign one character off', { sign: `${DOC_SIGN.slice(0, -1)}0` }],
    ['a truncated Sign', { sign: DOC_SIGN.slice(0, 32) }],
    ['a Sign of another RequestTime', { sign: callbackSign(DOC_TOKEN, '1669872113') }],
  ])('refuses %s', (_what, change) => {
    expect(checkCallbackSignature({ token: DOC_TOKEN, sign: DOC_SIGN, requestTime: DOC_TIME, nowMs: AT_DOC_TIME, ...change })).toBe(
      'mismatch',
    );
  });

  it.each([
    ['no Sign', { sign: undefined }],
    ['an empty Sign', { sign: '' }],
    ['no RequestTime', { requestTime: undefined }],
    ['a RequestTime that is not a number', { requestTime: '16698721e3' }],
  ])('reports %s as missing', (_what, change) => {
    expect(checkCallbackSignature({ token: DOC_TOKEN, sign: DOC_SIGN, requestTime: DOC_TIME, nowMs: AT_DOC_TIME, ...change })).toBe(
      'missing',
    );
  });
});
