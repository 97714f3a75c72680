import { describe, expect, it } from 'vitest';
import { SlidingWindowMax } from '../../../src/mock-api/sliding-window-max.js';

/** The same figure by brute force: for each arrival, how many arrivals fall in the window ending at it. */
function bruteForce(times: readonly number[], windowMs: number): number {
  let max = 0;
  for (const end of times) max = Math.max(max, times.filter((t) => t > end - windowMs && t <= end).length);
  return max;
}

describe('SlidingWindowMax', () => {
  it('finds two bursts that meet across a calendar-second boundary', () => {
    const w = new SlidingWindowMax(1000);
    // 150 calls at the end of one second and 150 at the start of the next: no calendar second
    // holds more than 150, but a window of 1,000 ms holds all 300.
    for (let i = 0; i < 150; i += 1) w.record(900 + i * 0.5);
    for (let i = 0; i < 150; i += 1) w.record(1000 + i * 0.5);
    expect(w.max()).toBe(300);
  });

  it('counts an arrival exactly one window after another as outside it', () => {
    const w = new SlidingWindowMax(1000);
    w.record(0);
    w.record(1000);
    expect(w.max()).toBe(1);
    w.record(1999.5);
    expect(w.max()).toBe(2);
  });

  it('agrees with brute force on evenly spaced, jittered and bursty arrivals (and grows past its first buffer)', () => {
    const series: number[][] = [
      Array.from({ length: 3000 }, (_, i) => i * 5),
      Array.from({ length: 3000 }, (_, i) => i * 5 + ((i * 7919) % 13)),
      Array.from({ length: 3000 }, (_, i) => Math.floor(i / 100) * 400 + (i % 100) * 0.1),
    ];
    for (const times of series) {
      const sorted = [...times].sort((a, b) => a - b);
      const w = new SlidingWindowMax(1000);
      for (const t of sorted) w.record(t);
      expect(w.max()).toBe(bruteForce(sorted, 1000));
    }
  });

  it('starts again from zero after a reset', () => {
    const w = new SlidingWindowMax(1000);
    for (let i = 0; i < 10; i += 1) w.record(i);
    w.reset();
    w.record(5000);
    expect(w.max()).toBe(1);
  });
});
