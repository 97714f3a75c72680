import { describe, expect, it } from 'vitest';
import { basicPassword, bearerToken, TokenMatcher } from '../../src/http/bearer-auth.js';
import { redactQuery } from '../../src/http/log-serializers.js';
import { codeLabel } from '../../src/metrics/outcome-labels.js';

describe('reading Authorization headers', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc ', 'abc'],
    ['Bearer', null],
    ['Bearer a b', null],
    ['Basic abc', null],
    [undefined, null],
  ])('bearer token of %j is %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([
    [`Basic ${Buffer.from('ops:s3cret:with:colons').toString('base64')}`, 's3cret:with:colons'],
    [`basic ${Buffer.from(':pw').toString('base64')}`, 'pw'],
    [`Basic ${Buffer.from('no-colon').toString('base64')}`, null],
    ['Basic !!!', null],
    ['Bearer abc', null],
  ])('basic password of %j is %j', (header, password) => {
    expect(basicPassword(header)).toBe(password);
  });

  it('matches only whole tokens of the list', () => {
    const m = new TokenMatcher(['first-token-0000000', 'second-token-000000']);
    expect(m.matches('second-token-000000')).toBe(true);
    expect(m.matches('second-token-00000')).toBe(false);
    expect(m.matches('second-token-0000000')).toBe(false);
    expect(m.matches('')).toBe(false);
    expect(m.matches(null)).toBe(false);
  });
});

describe('log redaction of URLs', () => {
  it('cuts the Sign, whatever its case, and every parameter not known to be harmless, and keeps the rest', () => {
    expect(redactQuery('/v1/callbacks/tencent?SdkAppid=1&Sign=abc&RequestTime=2')).toBe(
      '/v1/callbacks/tencent?SdkAppid=1&[redacted]&RequestTime=2',
    );
    expect(redactQuery('/x?sign=abc')).toBe('/x?[redacted]');
    expect(redactQuery('/v1/status?token=abc&ok')).toBe('/v1/status?[redacted]&[redacted]');
    expect(redactQuery('/v1/status?s3cret-token-as-a-name')).toBe('/v1/status?[redacted]');
    expect(redactQuery('/v1/dead-letters?code=10010&limit=2')).toBe('/v1/dead-letters?code=10010&limit=2');
    expect(redactQuery('/v1/status')).toBe('/v1/status');
  });
});

describe('the code label of a call', () => {
  const base = { kind: 'retry', errorInfo: '', requestId: null, durationMs: 1 } as const;
  it('is the Tencent code, else the HTTP status class, else network', () => {
    expect(codeLabel({ ...base, kind: 'success', errorCode: 0, httpStatus: 200 })).toBe('0');
    expect(codeLabel({ ...base, errorCode: 10002, httpStatus: 200 })).toBe('10002');
    expect(codeLabel({ ...base, errorCode: null, httpStatus: 502 })).toBe('http_5xx');
    expect(codeLabel({ ...base, errorCode: null, httpStatus: 429 })).toBe('http_4xx');
    expect(codeLabel({ ...base, errorCode: null, httpStatus: null })).toBe('network');
  });
});
