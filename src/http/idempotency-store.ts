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
  | { readonly kind: 'mismatch' };

interface ClaimRecord {
  readonly fingerprint: string;
  readonly response?: StoredResponse;
}

/**
 * The responses of requests sent with an `Idempotency-Key`, kept in Redis under the key prefix.
 * `claim` is a SET NX: of two concurrent requests with one key exactly one does the work, the
 * other is told it is in progress; later ones get the stored response, or `mismatch` when their
 * body differs from the first one's.
 */
export class IdempotencyStore {
  readonly #redis: RedisClient;
  readonly #prefix: string;

  constructor(redis: RedisClient, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}:idempotency:`;
  }

  async claim(key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const redisKey = this.#key(key);
    const claimed = await this.#redis.set(redisKey, JSON.stringify({ fingerprint } satisfies ClaimRecord), 'EX', CLAIM_TTL_SECONDS, 'NX');
    if (claimed !== null) return { kind: 'claimed' };
    const text = await this.#redis.get(redisKey);
    // Gone between the two commands (a claim expired or was released): the caller may retry.
    if (text === null) return { kind: 'in-progress' };
    const stored = JSON.parse(text) as ClaimRecord;
    if (stored.fingerprint !== fingerprint) return { kind: 'mismatch' };
    return stored.response === undefined ? { kind: 'in-progress' } : { kind: 'replay', response: stored.response };
  }

  /** Stores the response of a claimed key for IDEMPOTENCY_TTL_SECONDS. */
  async complete(key: string, fingerprint: string, response: StoredResponse): Promise<void> {
    await this.#redis.set(this.#key(key), JSON.stringify({ fingerprint, response } satisfies ClaimRecord), 'EX', IDEMPOTENCY_TTL_SECONDS);
  }

  /** Gives a claimed key up (the work failed): a retry with it does the work again. */
  async release(key: string): Promise<void> {
    await this.#redis.del(this.#key(key));
  }

  #key(key: string): string {
    // Hashed: a header value never becomes part of a Redis key name as it is.
    return this.#prefix + createHash('sha256').update(key, 'utf8').digest('hex');
  }
}

/** The fingerprint of a parsed request body (an object): SHA-256 of its JSON. */
export function bodyFingerprint(body: object): string {
  return createHash('sha256').update(JSON.stringify(body), 'utf8').digest('hex');
}
