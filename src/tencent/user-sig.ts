import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';

/** The decoded JSON document inside a TLSSigAPIv2 UserSig. */
export interface UserSigDocument {
  readonly 'TLS.ver': string;
  readonly 'TLS.identifier': string;
  readonly 'TLS.sdkappid': number;
  readonly 'TLS.expire': number;
  readonly 'TLS.time': number;
  readonly 'TLS.sig': string;
}

export interface UserSigParams {
  readonly sdkAppId: number;
  readonly secretKey: string;
  readonly identifier: string;
  /** When the signature starts, in Unix seconds. */
  readonly timeSeconds: number;
  /** How long it is valid, in seconds (a duration, not a timestamp). */
  readonly expireSeconds: number;
}

/** `TLS.sig`: base64 HMAC-SHA256 keyed by the console secret key as UTF-8 text (not hex-decoded). */
export function computeSig(p: UserSigParams): string {
  const text =
    `TLS.identifier:${p.identifier}\n` + `TLS.sdkappid:${p.sdkAppId}\n` + `TLS.time:${p.timeSeconds}\n` + `TLS.expire:${p.expireSeconds}\n`;
  return createHmac('sha256', p.secretKey).update(text, 'utf8').digest('base64');
}

/** Makes a UserSig the way Tencent's official TLSSigAPIv2 libraries do. */
export function signUserSig(p: UserSigParams): string {
  const doc: UserSigDocument = {
    'TLS.ver': '2.0',
    'TLS.identifier': p.identifier,
    'TLS.sdkappid': p.sdkAppId,
    'TLS.expire': p.expireSeconds,
    'TLS.time': p.timeSeconds,
    'TLS.sig': computeSig(p),
  };
  return escapeBase64(deflateSync(Buffer.from(JSON.stringify(doc), 'utf8')).toString('base64'));
}

/** Reads the document back out of a UserSig; throws on anything that is not one. */
export function decodeUserSig(userSig: string): UserSigDocument {
  const json = inflateSync(Buffer.from(unescapeBase64(userSig), 'base64')).toString('utf8');
  const doc: unknown = JSON.parse(json);
  if (!isUserSigDocument(doc)) throw new Error('not a TLSSigAPIv2 document');
  return doc;
}

export type UserSigCheck =
  | { readonly ok: true; readonly expiresAtSeconds: number }
  | { readonly ok: false; readonly reason: 'malformed' | 'wrong-identity' | 'bad-signature' | 'expired' };

/** Verifies a UserSig as Tencent's side would: used by the mock API. */
export function checkUserSig(
  userSig: string,
  expected: { sdkAppId: number; secretKey: string; identifier: string; nowSeconds: number },
): UserSigCheck {
  let doc: UserSigDocument;
  try {
    doc = decodeUserSig(userSig);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (doc['TLS.identifier'] !== expected.identifier || doc['TLS.sdkappid'] !== expected.sdkAppId) {
    return { ok: false, reason: 'wrong-identity' };
  }
  const want = Buffer.from(
    computeSig({
      sdkAppId: expected.sdkAppId,
      secretKey: expected.secretKey,
      identifier: expected.identifier,
      timeSeconds: doc['TLS.time'],
      expireSeconds: doc['TLS.expire'],
    }),
  );
  const got = Buffer.from(doc['TLS.sig']);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'bad-signature' };
  const expiresAtSeconds = doc['TLS.time'] + doc['TLS.expire'];
  if (expiresAtSeconds <= expected.nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAtSeconds };
}

function escapeBase64(b64: string): string {
  return b64.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

function unescapeBase64(s: string): string {
  return s.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
}

function isUserSigDocument(v: unknown): v is UserSigDocument {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  return (
    typeof d['TLS.ver'] === 'string' &&
    typeof d['TLS.identifier'] === 'string' &&
    typeof d['TLS.sdkappid'] === 'number' &&
    typeof d['TLS.expire'] === 'number' &&
    typeof d['TLS.time'] === 'number' &&
    typeof d['TLS.sig'] === 'string'
  );
}
