/**
 * Maps Redis's clock onto this process's monotonic clock (`performance.now()`), with bounds.
 *
 * Each ledger reply carries Redis's "now", read while the script ran, which happened after the
 * request left and before the reply was read: offset = redis - local lies in
 * [redisNow - receivedAt, redisNow - sentAt]. Intersecting recent samples keeps the tightest
 * bounds (the fastest round trip wins), widened by the drift two clocks may gather since.
 * A slot at Redis time S then lies, locally, in [S - hi, S - lo]: sending at `latest` is never
 * early, and lateness measured from `earliest` is never under-estimated.
 */
export class RedisClock {
  /** How long a sample is trusted: older ones would need too wide a drift allowance. */
  static readonly SAMPLE_LIFE_MS = 2000;
  /** NTP slews a clock by at most 500 ppm. */
  static readonly MAX_DRIFT = 0.0005;

  #lo = Number.NEGATIVE_INFINITY;
  #hi = Number.POSITIVE_INFINITY;
  /** Local time the bounds were last tightened. */
  #at = Number.NEGATIVE_INFINITY;

  /** Adds a sample: a request sent at `sentAt` (local ms) read Redis's clock at `redisNowMs`, its reply read at `receivedAt`. */
  sample(sentAt: number, redisNowMs: number, receivedAt: number): void {
    const lo = redisNowMs - receivedAt;
    const hi = redisNowMs - sentAt;
    const age = receivedAt - this.#at;
    const slack = age * RedisClock.MAX_DRIFT;
    const keptLo = this.#lo - slack;
    const keptHi = this.#hi + slack;
    // Old bounds expire, and bounds that no longer overlap the new sample mean a clock stepped: start again.
    if (age > RedisClock.SAMPLE_LIFE_MS || lo > keptHi || hi < keptLo) {
      this.#lo = lo;
      this.#hi = hi;
    } else {
      this.#lo = Math.max(lo, keptLo);
      this.#hi = Math.min(hi, keptHi);
    }
    this.#at = receivedAt;
  }

  /** The earliest local time Redis time `redisMs` can be (to measure lateness from). */
  earliest(redisMs: number): number {
    return redisMs - this.#hi;
  }

  /** The latest local time Redis time `redisMs` can be (to wait for, so as never to be early). */
  latest(redisMs: number): number {
    return redisMs - this.#lo;
  }

  /** Width of the bounds in ms: how precisely this process knows Redis's clock. */
  get uncertaintyMs(): number {
    return this.#hi - this.#lo;
  }
}
