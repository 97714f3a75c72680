import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/redis-client.js';

/** How long a stored response is replayed: 24 h, as the API documents. */
export const IDEMPOTENCY_TTL_SECONDS = 86_400;
/** How long a claim lasts before its response is stored: a crashed server must not block the key for a day. */
export const CLAIM_TTL_SECONDS = 120;

export interface StoredResponse {
  readonly statusCode: number;
  readonly body: unknown;
}

export type IdempotencyClaim =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'in-progress' }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'limit' };

interface ClaimRecord {
  readonly fingerprint: string;
  readonly response?: StoredResponse;
}

/**
 * Claims a key: its record if there is one, else, when the token has room for one more key
 * (its set trimmed to the last 24 h first), a claim record and the key's entry in the set.
 * KEYS: record, the token's set of keys. ARGV: claim record, claim TTL, now ms, window ms, most keys, member.
 */
const CLAIM = `
local existing = redis.call('GET', KEYS[1])
if existing then return {'exists', existing} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[4]))
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return {'limit'} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {'claimed'}
`;

export interface IdempotencyLimits {
  /** IDEMPOTENCY_KEYS_PER_TOKEN: new keys one API token may store in 24 h. */
  readonly keysPerToken: number;
}

/**
 * The responses of requests sent with an `Idempotency-Key`, kept in Redis under the key prefix,
 * apart for each API token (one client's key is not another's), and bounded: a token stores at
 * most `keysPerToken` keys in 24 h, and the caller stores responses whose size does not grow with
 * the request (the job ids of an answer are planned again from the body on replay).
 * `claim` is a SET NX: of two concurrent requests with one key exactly one does the work, the
 * other is told it is in progress; later ones get the stored response, or `mismatch` when their
 * body differs from the first one's.
 */
export class IdempotencyStore {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #limits: IdempotencyLimits;

  constructor(redis: RedisClient, keyPrefix: string, limits: IdempotencyLimits) {
    this.#redis = redis;
    this.#prefix = keyPrefix;
    this.#limits = limits;
  }

  async claim(token: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const r = (await this.#redis.eval(
      CLAIM,
      2,
      this.#key(token, key),
      this.#tokenKeys(token),
      JSON.stringify({ fingerprint } satisfies ClaimRecord),
      CLAIM_TTL_SECONDS,
      Date.now(),
      IDEMPOTENCY_TTL_SECONDS * 1000,
      this.#limits.keysPerToken,
      sha256(key),
    )) as [string, string?];
    if (r[0] === 'claimed') return { kind: 'claimed' };
    if (r[0] === 'limit' || r[1] === undefined) return { kind: 'limit' };
    const stored = JSON.parse(r[1]) as ClaimRecord;
    if (stored.fingerprint !== fingerprint) return { kind: 'mismatch' };
    return stored.response === undefined ? { kind: 'in-progress' } : { kind: 'replay', response: stored.response };
  }

  /** Stores the response of a claimed key for IDEMPOTENCY_TTL_SECONDS. */
  async complete(token: string, key: string, fingerprint: string, response: StoredResponse): Promise<void> {
    await this.#redis.set(
      this.#key(token, key),
      JSON.stringify({ fingerprint, response } satisfies ClaimRecord),
      'EX',
      IDEMPOTENCY_TTL_SECONDS,
    );
  }

  /** Gives a claimed key up (the work failed): a retry with it does the work again, and the key does not count. */
  async release(token: string, key: string): Promise<void> {
    await this.#redis.multi().del(this.#key(token, key)).zrem(this.#tokenKeys(token), sha256(key)).exec();
  }

  // Hashed: neither a header value nor a token becomes part of a Redis key name as it is.
  #key(token: string, key: string): string {
    return `${this.#prefix}:idempotency:${tokenId(token)}:${sha256(key)}`;
  }

  #tokenKeys(token: string): string {
    return `${this.#prefix}:idempotency-keys:${tokenId(token)}`;
  }
}

/** The fingerprint of a parsed request body (an object): SHA-256 of its JSON. */
export function bodyFingerprint(body: object): string {
  return sha256(JSON.stringify(body));
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Names a token in key names: 64 bits of its hash tell tokens apart and reveal nothing of them. */
function tokenId(token: string): string {
  return sha256(token).slice(0, 16);
}
