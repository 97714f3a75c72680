import { checkUserSig, decodeUserSig } from '../tencent/user-sig.js';
import { failAnswer, MOCK_CODES, type MockAnswer } from './mock-answer.js';
import type { MockApp } from './mock-app.js';
import type { ResolvedMockOptions } from './mock-options.js';

const MAX_RANDOM = 4_294_967_295;
const DIGITS = /^\d+$/;
/** Tencent's custom group IDs are printable ASCII. */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** The app a call was made for, once its URL parameters have passed; or the failure answer. */
export type CallerCheck = { readonly ok: true; readonly app: MockApp } | { readonly ok: false; readonly answer: MockAnswer };

/**
 * The URL parameters every Tencent REST call carries, checked in the order a gateway would:
 * the app, the request format, then who is calling. `app` is the one the `sdkappid` parameter
 * names (undefined when the mock serves none such): the UserSig and admin are checked against
 * that app's own key and admin.
 */
export function checkCallQuery(query: URLSearchParams, app: MockApp | undefined, nowSeconds: number): CallerCheck {
  const fail = (code: number, info: string) => ({ ok: false as const, answer: failAnswer(code, info) });
  const sdkAppId = query.get('sdkappid');
  if (sdkAppId === null || sdkAppId === '') {
    return fail(MOCK_CODES.sdkAppIdMissing, 'The REST API needs the sdkappid URL parameter.');
  }
  if (app === undefined) {
    return fail(MOCK_CODES.sdkAppIdInvalid, `SDKAppID ${sdkAppId} is invalid: it is not the SDKAppID of an app this mock serves.`);
  }

  const random = query.get('random');
  if (random === null || !DIGITS.test(random) || Number(random) > MAX_RANDOM) {
    return fail(
      MOCK_CODES.urlMalformed,
      `The random URL parameter must be an integer from 0 to ${MAX_RANDOM}, got ${JSON.stringify(random)}.`,
    );
  }
  const contentType = query.get('contenttype');
  if (contentType !== 'json') {
    return fail(MOCK_CODES.urlMalformed, `The contenttype URL parameter must be "json", got ${JSON.stringify(contentType)}.`);
  }

  const identifier = query.get('identifier');
  if (identifier === null || identifier === '') {
    return fail(MOCK_CODES.identifierMissing, 'Not logged in: the identifier URL parameter is missing.');
  }
  const userSig = query.get('usersig');
  if (userSig === null || userSig === '') {
    return fail(MOCK_CODES.userSigMissing, 'The usersig URL parameter is missing or empty.');
  }
  const sigAnswer = checkSig(userSig, identifier, app, nowSeconds);
  if (sigAnswer !== null) return { ok: false, answer: sigAnswer };

  if (identifier !== app.settings.admin) {
    return fail(MOCK_CODES.adminRequired, `The request needs App admin permissions; ${identifier} is not an App admin.`);
  }
  return { ok: true, app };
}

function checkSig(userSig: string, identifier: string, app: MockApp, nowSeconds: number): MockAnswer | null {
  const { settings, sigs } = app;
  const known = sigs.expiresAt(userSig, identifier);
  if (known !== undefined) return known > nowSeconds ? null : failAnswer(MOCK_CODES.userSigExpired, 'UserSig expired. Make a new one.');
  const check = checkUserSig(userSig, {
    sdkAppId: settings.sdkAppId,
    secretKey: settings.secretKey,
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
      return decodeUserSig(userSig)['TLS.sdkappid'] === settings.sdkAppId
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
