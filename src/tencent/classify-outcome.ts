import { STATUS_CODES } from 'node:http';
import type { CallOutcome, OutcomeKind } from './call-outcome.js';

/** A call's outcome before its duration is known: what the classifier decides. */
export type ClassifiedOutcome = Omit<CallOutcome, 'durationMs'>;

export interface ErrorCodePolicy {
  readonly kind: Exclude<OutcomeKind, 'success'>;
  readonly meaning: string;
}

type PolicyRow = readonly [codes: readonly number[], kind: ErrorCodePolicy['kind'], meaning: string];

// Grouped as in tencent-chat-rest.md so the two can be compared row by row. Meanings of
// codes inside a group are the group's meaning: Tencent documents some only loosely.
const POLICY_ROWS: readonly PolicyRow[] = [
  [[10002], 'retry', 'system error'],
  [[10006], 'slow-down', 'operation rate limit'],
  [[60007], 'slow-down', 'REST API call rate exceeded'],
  [[60011], 'slow-down', 'SDKAppID call rate exceeded'],
  [[60018, 60019], 'slow-down', 'requests too frequent'],
  [[60008], 'retry', 'service timeout'],
  [[60014], 'retry', 'account-conversion timeout'],
  [[70017, 70169, 70202, 70500], 'retry', 'internal timeout or error'],
  [[70001], 'resign', 'UserSig expired'],
  // The worker re-signs once on these, then treats a repeat as permanent.
  [[10001], 'resign', 'not logged in: check the admin account and UserSig'],
  [[60004, 60005, 70002, 70003, 70004, 70005, 70006, 70007, 70008, 70010], 'resign', 'UserSig invalid'],
  [[10003], 'permanent', 'invalid request command'],
  [[10004], 'permanent', 'invalid parameters'],
  [[10005], 'split', 'too many accounts in one request: a smaller batch can pass'],
  [[10007], 'permanent', 'insufficient permissions: must be an app admin or the group owner'],
  [[10010], 'permanent', 'group does not exist or was dissolved'],
  [[10015], 'permanent', 'invalid group ID'],
  // The request itself is malformed: a bug or a proxy mangling it, seen per request.
  [[60002, 60003], 'permanent', 'malformed request (URL or body)'],
  // Answers about the app or the admin account, which every call of the fleet would get alike:
  // dead-lettering room after room for them turns a configuration mistake into lost work, so
  // the fleet pauses instead (`AccountPause`) until it is fixed.
  [
    [60006, 60009, 60010, 60012, 60015, 60016, 60017, 60020, 60021],
    'account',
    'bad or disabled SDKAppID, admin required, package expired or IP not allowed',
  ],
  [
    [70009, 70013, 70014, 70016, 70020, 70051, 70114, 70398, 70402, 70403],
    'account',
    'secret key, account or app mismatch, account blocklisted, or a limit of the app reached',
  ],
  [[70050], 'account', 'too many failed UserSig checks: wait a minute before trying again'],
];

/**
 * What robot-seeder does with each Tencent ErrorCode (tencent-chat-rest.md). A non-zero
 * code that is not here is permanent: retrying what nobody understands only burns quota.
 */
export const ERROR_CODE_POLICY: ReadonlyMap<number, ErrorCodePolicy> = new Map(
  POLICY_ROWS.flatMap(([codes, kind, meaning]) => codes.map((code) => [code, Object.freeze({ kind, meaning })] as const)),
);

/** Tencent's ErrorInfo is short; anything longer is not worth carrying through queues and logs. */
const MAX_ERROR_INFO_CHARS = 500;

/** Classifies an HTTP answer from its status and its whole body text. */
export function classifyAnswer(httpStatus: number, body: string): ClassifiedOutcome {
  const answer = parseAnswer(body);
  const requestId = answer?.requestId ?? null;
  if (httpStatus !== 200) {
    const reason = STATUS_CODES[httpStatus] ?? 'unknown status';
    return { kind: httpStatusKind(httpStatus), errorCode: null, errorInfo: `http ${httpStatus} ${reason}`, httpStatus, requestId };
  }
  if (answer === null || answer.errorCode === null) {
    // Tencent always answers JSON with an ErrorCode; anything else is a proxy or gateway page.
    const what = answer === null ? 'not a JSON object' : 'no ErrorCode';
    return { kind: 'retry', errorCode: null, errorInfo: `http 200 without a Tencent answer (${what})`, httpStatus, requestId };
  }
  const { errorCode, errorInfo } = answer;
  if (errorCode === 0) return { kind: 'success', errorCode, errorInfo, httpStatus, requestId };
  const kind = ERROR_CODE_POLICY.get(errorCode)?.kind ?? 'permanent';
  return { kind, errorCode, errorInfo, httpStatus, requestId };
}

function httpStatusKind(status: number): OutcomeKind {
  if (status === 429) return 'slow-down';
  if (status === 408 || status >= 500) return 'retry';
  return 'permanent';
}

interface ParsedAnswer {
  readonly errorCode: number | null;
  readonly errorInfo: string;
  readonly requestId: string | null;
}

function parseAnswer(body: string): ParsedAnswer | null {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  const code = o['ErrorCode'];
  const info = o['ErrorInfo'];
  const requestId = o['RequestId'];
  return {
    errorCode: typeof code === 'number' && Number.isInteger(code) ? code : null,
    errorInfo: typeof info === 'string' ? info.slice(0, MAX_ERROR_INFO_CHARS) : '',
    requestId: typeof requestId === 'string' && requestId !== '' ? requestId.slice(0, MAX_ERROR_INFO_CHARS) : null,
  };
}

/** Network failures worth another attempt, by the `code` Node or undici put on the error. */
const NETWORK_CODES: ReadonlyMap<string, string> = new Map([
  ['UND_ERR_CONNECT_TIMEOUT', 'connect timeout'],
  ['UND_ERR_HEADERS_TIMEOUT', 'no answer in time'],
  ['UND_ERR_BODY_TIMEOUT', 'answer body stalled'],
  ['UND_ERR_SOCKET', 'socket error'],
  ['UND_ERR_CLOSED', 'client closed'],
  ['UND_ERR_DESTROYED', 'client destroyed'],
  ['UND_ERR_ABORTED', 'request aborted'],
  ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'answer shorter or longer than announced'],
  ['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'answer larger than the size limit'],
  ['ECONNRESET', 'connection reset'],
  ['ECONNREFUSED', 'connection refused'],
  ['ECONNABORTED', 'connection aborted'],
  ['EPIPE', 'broken pipe'],
  ['ETIMEDOUT', 'timed out'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'network unreachable'],
  ['ENETDOWN', 'network down'],
  ['EAI_AGAIN', 'DNS lookup failed temporarily'],
  ['ENOTFOUND', 'DNS name not found'],
]);

/** Errors that say the request itself is wrong: sending it again fails the same way. */
const PERMANENT_CODES: ReadonlyMap<string, string> = new Map([
  ['UND_ERR_INVALID_ARG', 'invalid request argument'],
  ['UND_ERR_NOT_SUPPORTED', 'not supported'],
  ['ERR_INVALID_URL', 'invalid URL'],
  ['ERR_INVALID_ARG_TYPE', 'invalid request argument'],
  ['ERR_INVALID_ARG_VALUE', 'invalid request argument'],
]);

/**
 * Classifies an error thrown while calling. errorInfo holds a fixed description and the
 * error's code only: messages can quote the request (and with it the UserSig).
 * An error with an unknown code still counts as transient (HTTP parser errors behind a
 * broken proxy, for example): attempts are bounded, so a wrong guess ends in the dead letters.
 */
export function classifyNetworkError(err: unknown): ClassifiedOutcome {
  const code = errorCode(err);
  const base = { errorCode: null, httpStatus: null, requestId: null } as const;
  if (code !== null) {
    const permanent = PERMANENT_CODES.get(code);
    if (permanent !== undefined) return { ...base, kind: 'permanent', errorInfo: `client: ${permanent} (${code})` };
    const transient = NETWORK_CODES.get(code) ?? 'unexpected error';
    return { ...base, kind: 'retry', errorInfo: `network: ${transient} (${code})` };
  }
  return { ...base, kind: 'retry', errorInfo: `network: unexpected error (${errorName(err)})` };
}

/** The error's code, or the first one found among its causes and aggregated errors. */
function errorCode(err: unknown, depth = 0): string | null {
  if (typeof err !== 'object' || err === null || depth > 3) return null;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const found = errorCode(inner, depth + 1);
      if (found !== null) return found;
    }
  }
  return errorCode(e.cause, depth + 1);
}

function errorName(err: unknown): string {
  if (err instanceof Error) return err.name;
  return typeof err;
}
