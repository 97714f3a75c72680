import { describe, expect, it } from 'vitest';
import { RedisClock } from '../../../src/limiter/redis-clock.js';

/** Redis's clock runs `offset` ms ahead of the local one; a request takes `up` ms to reach it and `down` to come back. */
function exchange(clock: RedisClock, sentAt: number, offset: number, up: number, down: number): void {
  const redisNow = sentAt + up + offset;
  clock.sample(sentAt, redisNow, sentAt + up + down);
}

describe('RedisClock', () => {
  it('brackets a slot between an earliest and a latest local time that hold the true one', () => {
    const clock = new RedisClock();
    exchange(clock, 1000, 5_000_000, 0.3, 0.4);
    const slot = 5_000_000 + 1100; // Redis time of a slot, true local time 1100
    expect(clock.earliest(slot)).toBeLessThanOrEqual(1100);
    expect(clock.latest(slot)).toBeGreaterThanOrEqual(1100);
    expect(clock.uncertaintyMs).toBeCloseTo(0.7, 5);
  });

  it('keeps the tightest bounds: a fast round trip narrows them, slow ones do not widen them', () => {
    const clock = new RedisClock();
    exchange(clock, 1000, 42, 20, 20);
    expect(clock.uncertaintyMs).toBeCloseTo(40, 5);
    exchange(clock, 1100, 42, 0.1, 0.2);
    expect(clock.uncertaintyMs).toBeLessThan(0.4);
    exchange(clock, 1200, 42, 30, 5);
    expect(clock.uncertaintyMs).toBeLessThan(0.5);
    expect(clock.earliest(42 + 2000)).toBeLessThanOrEqual(2000);
    expect(clock.latest(42 + 2000)).toBeGreaterThanOrEqual(2000);
  });

  it('starts again from the newest sample when a clock stepped (bounds no longer overlap) or samples are old', () => {
    const clock = new RedisClock();
    exchange(clock, 1000, 100, 0.2, 0.2);
    exchange(clock, 1100, 600, 0.2, 0.2); // Redis's clock jumped 500 ms (a failover to another host)
    expect(clock.latest(600 + 1500)).toBeGreaterThanOrEqual(1500);
    expect(clock.earliest(600 + 1500)).toBeLessThanOrEqual(1500);
    expect(clock.uncertaintyMs).toBeCloseTo(0.4, 5);
    exchange(clock, 1200 + RedisClock.SAMPLE_LIFE_MS + 1, 600, 3, 3);
    expect(clock.uncertaintyMs).toBeCloseTo(6, 5);
  });

  it('widens old bounds by the drift two clocks may gather', () => {
    const clock = new RedisClock();
    exchange(clock, 0, 0, 0.1, 0.1);
    exchange(clock, 1000, 0, 50, 50); // a slow sample 1 s later: the old bounds, widened by 0.5 ms, still win
    expect(clock.uncertaintyMs).toBeCloseTo(0.2 + 2 * (1100 - 0.2) * RedisClock.MAX_DRIFT, 6);
  });
});
