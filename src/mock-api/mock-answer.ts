import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';

/** The Tencent codes the mock answers with, named for what made it answer so. */
export const MOCK_CODES = Object.freeze({
  ok: 0,
  identifierMissing: 10001,
  unknownCommand: 10003,
  invalidParameters: 10004,
  tooManyAccounts: 10005,
  invalidGroupId: 10015,
  urlMalformed: 60002,
  bodyNotJson: 60003,
  sdkAppIdInvalid: 60006,
  rateExceeded: 60007,
  pathNotFound: 60009,
  adminRequired: 60010,
  sdkAppIdMissing: 60012,
  userSigExpired: 70001,
  userSigMissing: 70002,
  userSigMalformed: 70003,
  userSigBadSignature: 70009,
  userSigIdentifierMismatch: 70013,
  userSigSdkAppIdMismatch: 70014,
});

/** How the mock answers one call. */
export type MockAnswer =
  /** A Tencent-shaped JSON body (`httpStatus` is 200 except for unknown paths). */
  | { readonly kind: 'tencent'; readonly httpStatus: number; readonly errorCode: number; readonly errorInfo: string }
  /** A gateway-style failure: this HTTP status with an HTML body. */
  | { readonly kind: 'http-status'; readonly httpStatus: number }
  /** No answer: the socket is destroyed. */
  | { readonly kind: 'reset' };

export const OK_ANSWER: MockAnswer = Object.freeze({ kind: 'tencent', httpStatus: 200, errorCode: 0, errorInfo: '' });

export function failAnswer(errorCode: number, errorInfo: string, httpStatus = 200): MockAnswer {
  return { kind: 'tencent', httpStatus, errorCode, errorInfo };
}

/** ErrorInfo for scripted codes, worded after the add_robots error table so logs read like the real thing. */
const SCRIPTED_INFO: Readonly<Record<number, string>> = {
  10001: 'The user does not log in. Check whether the admin account and usersig are correct.',
  10002: 'System error. Please try again or contact technical support.',
  10003: 'Invalid request command.',
  10004: 'Invalid parameters.',
  10005: 'Too many accounts in the request body.',
  10006: 'Operation rate limit exceeded.',
  10007: 'Insufficient permissions. This API must be called by an app administrator or group owner.',
  10010: 'The group does not exist, or it once existed but has now been dissolved.',
  10015: 'Invalid group ID.',
  60007: 'REST API call frequency exceeds the limit.',
  70001: 'UserSig expired.',
};

export function scriptedFailAnswer(errorCode: number): MockAnswer {
  return failAnswer(errorCode, `${SCRIPTED_INFO[errorCode] ?? 'Scripted failure.'} (mock: scripted ${errorCode})`);
}

let requestCounter = 0;

/** Unique enough to find one call in the logs; shaped loosely like Tencent's own. */
export function newRequestId(): string {
  requestCounter = (requestCounter + 1) % 1_000_000_000;
  return `mock-${randomBytes(6).toString('hex')}-${requestCounter}`;
}

export function tencentBody(answer: { errorCode: number; errorInfo: string }, requestId: string): string {
  return JSON.stringify({
    ActionStatus: answer.errorCode === 0 ? 'OK' : 'FAIL',
    ErrorCode: answer.errorCode,
    ErrorInfo: answer.errorInfo,
    RequestId: requestId,
  });
}

/** What an nginx-style gateway sends when the service behind it failed. */
export function gatewayHtml(httpStatus: number): string {
  const title = `${httpStatus} ${STATUS_CODES[httpStatus] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>mock-tencent-api</center>\r\n</body>\r\n</html>\r\n`;
}
