import { checkUserSig, decodeUserSig } from '../tencent/user-sig.js';
import { failAnswer, MOCK_CODES, type MockAnswer } from './mock-answer.js';
import type { ResolvedMockOptions } from './mock-options.js';
import type { VerifiedSigs } from './verified-sigs.js';

const MAX_RANDOM = 4_294_967_295;
const DIGITS = /^\d+$/;
/** Tencent's custom group IDs are printable ASCII. */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * The URL parameters every Tencent REST call carries, checked in the order a gateway would:
 * the app, the request format, then who is calling. Returns the failure answer, or null when
 * all is well.
 */
export function checkCallQuery(
  query: URLSearchParams,
  options: ResolvedMockOptions,
  sigs: VerifiedSigs,
  nowSeconds: number,
): MockAnswer | null {
  const sdkAppId = query.get('sdkappid');
  if (sdkAppId === null || sdkAppId === '') {
    return failAnswer(MOCK_CODES.sdkAppIdMissing, 'The REST API needs the sdkappid URL parameter.');
  }
  if (!DIGITS.test(sdkAppId) || Number(sdkAppId) !== options.sdkAppId) {
    return failAnswer(MOCK_CODES.sdkAppIdInvalid, `SDKAppID ${sdkAppId} is invalid: it is not this app's SDKAppID.`);
  }

  const random = query.get('random');
  if (random === null || !DIGITS.test(random) || Number(random) > MAX_RANDOM) {
    return failAnswer(
      MOCK_CODES.urlMalformed,
      `The random URL parameter must be an integer from 0 to ${MAX_RANDOM}, got ${JSON.stringify(random)}.`,
    );
  }
  const contentType = query.get('contenttype');
  if (contentType !== 'json') {
    return failAnswer(MOCK_CODES.urlMalformed, `The contenttype URL parameter must be "json", got ${JSON.stringify(contentType)}.`);
  }

  const identifier = query.get('identifier');
  if (identifier === null || identifier === '') {
    return failAnswer(MOCK_CODES.identifierMissing, 'Not logged in: the identifier URL parameter is missing.');
  }
  const userSig = query.get('usersig');
  if (userSig === null || userSig === '') {
    return failAnswer(MOCK_CODES.userSigMissing, 'The usersig URL parameter is missing or empty.');
  }
  const sigAnswer = checkSig(userSig, identifier, options, sigs, nowSeconds);
  if (sigAnswer !== null) return sigAnswer;

  if (identifier !== options.admin) {
    return failAnswer(MOCK_CODES.adminRequired, `The request needs App admin permissions; ${identifier} is not an App admin.`);
  }
  return null;
}

function checkSig(
  userSig: string,
  identifier: string,
  options: ResolvedMockOptions,
  sigs: VerifiedSigs,
  nowSeconds: number,
): MockAnswer | null {
  const known = sigs.expiresAt(userSig, identifier);
  if (known !== undefined) return known > nowSeconds ? null : failAnswer(MOCK_CODES.userSigExpired, 'UserSig expired. Make a new one.');
  const check = checkUserSig(userSig, {
    sdkAppId: options.sdkAppId,
    secretKey: options.secretKey,
    identifier,
    nowSeconds,
  });
  if (check.ok) {
    sigs.remember(userSig, identifier, check.expiresAtSeconds);
    return null;
  }
  switch (check.reason) {
    case 'malformed':
      return failAnswer(MOCK_CODES.userSigMalformed, 'UserSig could not be parsed: it may be truncated or not a UserSig.');
    case 'wrong-identity':
      return decodeUserSig(userSig)['TLS.sdkappid'] === options.sdkAppId
        ? failAnswer(MOCK_CODES.userSigIdentifierMismatch, 'The identifier in the URL is not the one the UserSig was made for.')
        : failAnswer(MOCK_CODES.userSigSdkAppIdMismatch, 'The SDKAppID in the URL is not the one the UserSig was made for.');
    case 'bad-signature':
      return failAnswer(
        MOCK_CODES.userSigBadSignature,
        "UserSig verification failed: it was probably made with another SDKAppID's secret key.",
      );
    case 'expired':
      return failAnswer(MOCK_CODES.userSigExpired, 'UserSig expired. Make a new one.');
  }
}

/** The body of add_robots / del_robots once it has passed the checks. */
export interface RobotsBody {
  readonly groupId: string;
  readonly accounts: readonly string[];
}

export function parseRobotsBody(
  text: string,
  options: ResolvedMockOptions,
): { readonly ok: true; readonly body: RobotsBody } | { readonly ok: false; readonly answer: MockAnswer } {
  const fail = (code: number, info: string) => ({ ok: false as const, answer: failAnswer(code, info) });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail(MOCK_CODES.bodyNotJson, 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail(MOCK_CODES.invalidParameters, 'The request body must be a JSON object.');
  }
  const { GroupId: groupId, Member_Account: accounts } = parsed as Record<string, unknown>;

  if (typeof groupId !== 'string') return fail(MOCK_CODES.invalidParameters, 'GroupId is required and must be a string.');
  if (!PRINTABLE_ASCII.test(groupId)) {
    return fail(MOCK_CODES.invalidGroupId, 'GroupId must be a non-empty string of printable ASCII characters.');
  }
  if (!Array.isArray(accounts) || accounts.length === 0) {
    return fail(MOCK_CODES.invalidParameters, 'Member_Account is required and must be a non-empty array.');
  }
  if (!accounts.every((a): a is string => typeof a === 'string' && a !== '')) {
    return fail(MOCK_CODES.invalidParameters, 'Every Member_Account entry must be a non-empty string.');
  }
  if (accounts.length > options.maxAccountsPerCall) {
    return fail(
      MOCK_CODES.tooManyAccounts,
      `Too many accounts in the request body: ${accounts.length}, at most ${options.maxAccountsPerCall} are allowed.`,
    );
  }
  return { ok: true, body: { groupId, accounts } };
}
