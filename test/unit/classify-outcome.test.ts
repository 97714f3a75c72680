import { describe, it, expect } from 'vitest';
import type { OutcomeKind } from '../../src/tencent/call-outcome.js';
import { classifyAnswer, classifyNetworkError, ERROR_CODE_POLICY } from '../../src/tencent/classify-outcome.js';

// Copied by hand from the table in tencent-chat-rest.md, not derived from ERROR_CODE_POLICY:
// the point is to catch the two drifting apart.
const TABLE: readonly (readonly [number, OutcomeKind])[] = [
  ...[10002, 60008, 60014, 70017, 70169, 70202, 70500].map((c) => [c, 'retry'] as const),
  ...[10006, 60007, 60011, 60018, 60019].map((c) => [c, 'slow-down'] as const),
  [70001, 'resign'],
  ...[10001, 60004, 60005, 70002, 70003, 70004, 70005, 70006, 70007, 70008, 70010].map((c) => [c, 'resign'] as const),
  [10005, 'split'],
  ...[10003, 10004, 10007, 10010, 10015].map((c) => [c, 'permanent'] as const),
  ...[60002, 60003].map((c) => [c, 'permanent'] as const),
  // About the app or the admin account, not the room: the fleet pauses.
  ...[60006, 60009, 60010, 60012, 60015, 60016, 60017, 60020, 60021].map((c) => [c, 'account'] as const),
  ...[70009, 70013, 70014, 70016, 70020, 70050, 70051, 70114, 70398, 70402, 70403].map((c) => [c, 'account'] as const),
];

function tencent(errorCode: number, errorInfo = '', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ActionStatus: errorCode === 0 ? 'OK' : 'FAIL', ErrorCode: errorCode, ErrorInfo: errorInfo, ...extra });
}

function errWithCode(code: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyAnswer: Tencent error codes', () => {
  it.each(TABLE)('ErrorCode %i is %s', (code, kind) => {
    const info = `info for ${code}`;
    expect(classifyAnswer(200, tencent(code, info, { RequestId: `req-${code}` }))).toEqual({
      kind,
      errorCode: code,
      errorInfo: info,
      httpStatus: 200,
      requestId: `req-${code}`,
    });
  });

  it('ERROR_CODE_POLICY holds exactly the codes of the table, each with a meaning', () => {
    expect([...ERROR_CODE_POLICY.keys()].sort()).toEqual(TABLE.map(([c]) => c).sort());
    for (const [code, kind] of TABLE) {
      expect(ERROR_CODE_POLICY.get(code)?.kind).toBe(kind);
      expect(ERROR_CODE_POLICY.get(code)?.meaning).not.toBe('');
    }
  });

  it('ErrorCode 0 is success, whatever ActionStatus says', () => {
    expect(classifyAnswer(200, '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}')).toEqual({
      kind: 'success',
      errorCode: 0,
      errorInfo: '',
      httpStatus: 200,
      requestId: null,
    });
    expect(classifyAnswer(200, tencent(0, '', { ActionStatus: 'FAIL' })).kind).toBe('success');
  });

  it.each([10000, 60001, 70999, 12345, -1])('an unknown code (%i) is permanent and keeps ErrorInfo', (code) => {
    const outcome = classifyAnswer(200, tencent(code, 'something new'));
    expect(outcome).toMatchObject({ kind: 'permanent', errorCode: code, errorInfo: 'something new' });
  });

  it('copes with a missing or odd ErrorInfo and RequestId', () => {
    expect(classifyAnswer(200, '{"ErrorCode":10004}')).toMatchObject({ errorInfo: '', requestId: null });
    expect(classifyAnswer(200, '{"ErrorCode":10004,"ErrorInfo":42,"RequestId":7}')).toMatchObject({
      errorInfo: '',
      requestId: null,
    });
    expect(classifyAnswer(200, tencent(10004, 'x'.repeat(5000))).errorInfo).toHaveLength(500);
  });
});

describe('classifyAnswer: HTTP status', () => {
  it.each([
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
    [599, 'retry'],
    [408, 'retry'],
    [429, 'slow-down'],
    [400, 'permanent'],
    [401, 'permanent'],
    [403, 'permanent'],
    [404, 'permanent'],
    [413, 'permanent'],
    [301, 'permanent'],
  ] as const)('HTTP %i is %s, with no ErrorCode', (status, kind) => {
    const outcome = classifyAnswer(status, '<html>Bad Gateway</html>');
    expect(outcome).toMatchObject({ kind, errorCode: null, httpStatus: status, requestId: null });
    expect(outcome.errorInfo).toMatch(new RegExp(`^http ${status} `));
  });

  it('names the status in errorInfo', () => {
    expect(classifyAnswer(502, '').errorInfo).toBe('http 502 Bad Gateway');
  });

  it('goes by the status even when a non-200 body looks like a Tencent answer, but keeps its RequestId', () => {
    expect(classifyAnswer(502, tencent(0, '', { RequestId: 'r-1' }))).toMatchObject({
      kind: 'retry',
      errorCode: null,
      requestId: 'r-1',
    });
  });
});

describe('classifyAnswer: a 200 that is not a Tencent answer (a proxy page)', () => {
  it.each([
    ['HTML', '<html><body>Gateway</body></html>'],
    ['empty', ''],
    ['truncated JSON', '{"ActionStatus":"OK","ErrorCo'],
    ['a JSON array', '[0]'],
    ['a JSON string', '"OK"'],
    ['JSON null', 'null'],
    ['no ErrorCode', '{"ActionStatus":"OK"}'],
    ['ErrorCode as text', '{"ErrorCode":"0"}'],
    ['fractional ErrorCode', '{"ErrorCode":0.5}'],
  ])('%s is retry with no ErrorCode', (_name, body) => {
    const outcome = classifyAnswer(200, body);
    expect(outcome).toMatchObject({ kind: 'retry', errorCode: null, httpStatus: 200 });
    expect(outcome.errorInfo).toMatch(/^http 200 without a Tencent answer/);
  });
});

describe('classifyNetworkError', () => {
  it.each([
    ['UND_ERR_CONNECT_TIMEOUT', 'connect timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'no answer in time'],
    ['UND_ERR_BODY_TIMEOUT', 'answer body stalled'],
    ['UND_ERR_SOCKET', 'socket error'],
    ['UND_ERR_CLOSED', 'client closed'],
    ['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'answer larger than the size limit'],
    ['ECONNRESET', 'connection reset'],
    ['ECONNREFUSED', 'connection refused'],
    ['EPIPE', 'broken pipe'],
    ['ETIMEDOUT', 'timed out'],
    ['EAI_AGAIN', 'DNS lookup failed temporarily'],
    ['ENOTFOUND', 'DNS name not found'],
    ['EHOSTUNREACH', 'host unreachable'],
  ])('%s is retry with a null code', (code, description) => {
    expect(classifyNetworkError(errWithCode(code))).toEqual({
      kind: 'retry',
      errorCode: null,
      errorInfo: `network: ${description} (${code})`,
      httpStatus: null,
      requestId: null,
    });
  });

  it('finds the code on a cause or inside an AggregateError', () => {
    const wrapped = new TypeError('fetch failed', { cause: errWithCode('ECONNRESET') });
    expect(classifyNetworkError(wrapped).errorInfo).toBe('network: connection reset (ECONNRESET)');
    const aggregate = new AggregateError([new Error('no code'), errWithCode('ETIMEDOUT')], 'all failed');
    expect(classifyNetworkError(aggregate).errorInfo).toBe('network: timed out (ETIMEDOUT)');
  });

  it('treats a request the client itself rejects as permanent', () => {
    expect(classifyNetworkError(errWithCode('UND_ERR_INVALID_ARG'))).toMatchObject({
      kind: 'permanent',
      errorCode: null,
      errorInfo: 'client: invalid request argument (UND_ERR_INVALID_ARG)',
    });
  });

  it('treats an unknown failure as transient, without repeating its message', () => {
    const secretish = 'GET /v4/x?usersig=eJyrVkrxCdYrSi1'; // messages can quote the request
    expect(classifyNetworkError(errWithCode('HPE_INVALID_CONSTANT', secretish))).toMatchObject({
      kind: 'retry',
      errorInfo: 'network: unexpected error (HPE_INVALID_CONSTANT)',
    });
    const noCode = classifyNetworkError(new RangeError(secretish));
    expect(noCode).toMatchObject({ kind: 'retry', errorCode: null, errorInfo: 'network: unexpected error (RangeError)' });
    expect(classifyNetworkError('a string').errorInfo).toBe('network: unexpected error (string)');
    expect(classifyNetworkError(null).kind).toBe('retry');
  });
});
