import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/redis-client.js';
import { DEFAULT_MAX_SKEW_SECONDS } from './callback-signature.js';

/**
 * Accepts each signed callback once. Tencent's `Sign` covers only the token and `RequestTime`,
 * not the body, so whoever sees one signed URL (a proxy log, plain HTTP) could send it again
 * within the time window with another `GroupId`. A `SET NX` per Sign and RequestTime, kept as
 * long as the window lets that RequestTime through, makes the second use fail.
 *
 * The price: two genuine callbacks stamped with the same second carry the same Sign, and the
 * second is refused too; the route logs it with its group id.
 */
export class CallbackReplayGuard {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #ttlSeconds: number;

  constructor(redis: RedisClient, keyPrefix: string, maxSkewSeconds = DEFAULT_MAX_SKEW_SECONDS) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}:callbacks:signs:`;
    // A RequestTime is accepted from maxSkew before it until maxSkew after it; one more second for rounding.
    this.#ttlSeconds = 2 * maxSkewSeconds + 1;
  }

  /** True the first time this Sign (any case) and RequestTime are seen within the window. */
  async firstUse(sign: string, requestTime: string): Promise<boolean> {
    // Hashed: the key holds no Sign that could be used while it is still valid.
    const id = createHash('sha256').update(`${sign.toLowerCase()}:${requestTime}`, 'utf8').digest('hex');
    return (await this.#redis.set(this.#prefix + id, '1', 'EX', this.#ttlSeconds, 'NX')) !== null;
  }
}
