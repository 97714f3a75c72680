import { describe, expect, it } from 'vitest';
import { neededConcurrency } from '../../src/worker/concurrency-tuner.js';

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
