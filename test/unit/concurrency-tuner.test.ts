import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { neededConcurrency, startConcurrencyTuner } from '../../src/worker/concurrency-tuner.js';

describe('neededConcurrency (Little’s law with 50% headroom)', () => {
  it.each([
    [200, 20, 50, 500, 50], // fast API: the configured floor is enough
    [200, 500, 50, 500, 150], // 200/s × 0.5 s × 1.5
    [200, 6000, 50, 500, 500], // timeouts: capped at the ceiling
    [100, 1000, 10, 1000, 150],
  ])('rate %i/s, latency %i ms, floor %i, ceiling %i → %i', (rate, latency, min, max, expected) => {
    expect(neededConcurrency(rate, latency, min, max)).toBe(expected);
  });
});

describe('startConcurrencyTuner', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts the time a job is held after its answer as time in hand', () => {
    vi.useFakeTimers();
    const target = { concurrency: 50 };
    const tuner = startConcurrencyTuner({
      target,
      latencyMs: () => 400,
      heldMs: 100,
      ratePerSecond: 200,
      min: 50,
      max: 500,
      logger: createLogger('silent'),
    });
    vi.advanceTimersByTime(2000);
    tuner.stop();
    // 200/s × (0.4 s + 0.1 s) × 1.5
    expect(target.concurrency).toBe(150);
  });
});
