import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * How far `RequestTime` may be from our clock, default 60 s: Tencent's documentation treats a
 * callback more than a minute off as invalid (a replay), which also leaves room for clock skew.
 */
export const DEFAULT_MAX_SKEW_SECONDS = 60;

export type SignatureCheck = 'ok' | 'missing' | 'stale' | 'mismatch';

export interface SignatureInput {
  /** CALLBACK_TOKEN, the authentication token set in the Chat console. */
  readonly token: string;
  /** The `Sign` query parameter. */
  readonly sign: string | undefined;
  /** The `RequestTime` query parameter (Unix seconds). */
  readonly requestTime: string | undefined;
  readonly nowMs: number;
  readonly maxSkewSeconds?: number;
}

/**
 * Tencent Chat's callback authentication: when a token is set in the console, each callback URL
 * carries `RequestTime` (Unix seconds) and `Sign` = hex(SHA-256(token + RequestTime)).
 * The comparison is constant-time; a RequestTime too far from now is refused as a replay.
 */
export function checkCallbackSignature(i: SignatureInput): SignatureCheck {
  if (i.sign === undefined || i.requestTime === undefined || i.sign === '' || !/^\d{1,12}$/.test(i.requestTime)) return 'missing';
  const skew = Math.abs(i.nowMs / 1000 - Number(i.requestTime));
  if (skew > (i.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS)) return 'stale';
  const expected = Buffer.from(callbackSign(i.token, i.requestTime), 'utf8');
  const given = Buffer.from(i.sign.toLowerCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'mismatch';
}

/** The `Sign` Tencent sends: lowercase hex of SHA-256 over the token followed by RequestTime. */
export function callbackSign(token: string, requestTime: string): string {
  return createHash('sha256')
    .update(token + requestTime, 'utf8')
    .digest('hex');
}
