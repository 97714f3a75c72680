import { describe, expect, it } from 'vitest';
import { median } from '../../../bench/support/numbers.js';
import type { CpuTimeline } from '../../../bench/support/process-usage.js';
import { WARM_AFTER_SECONDS, warmCpuMsPerCall } from '../../../bench/support/warm-cpu.js';

/** A fleet whose CPU grows by `msPerSecond(s)` over each wall-clock second s (linear within it). */
function timeline(msPerSecond: (second: number) => number, fromSecond: number): CpuTimeline {
  return {
    cpuMsAt(unixMs) {
      let total = 0;
      for (let s = fromSecond; s * 1000 < unixMs; s += 1) total += msPerSecond(s) * Math.min(1, (unixMs - s * 1000) / 1000);
      return total;
    },
    stop: () => undefined,
  };
}

describe('warmCpuMsPerCall', () => {
  const first = 1_700_000_000;
  const seconds = (n: number, calls: (i: number) => number) =>
    Array.from({ length: n }, (_, i) => ({ second: first + i, calls: calls(i), refused: 0 }));

  it('counts only the seconds from the warm-up on to the last one, whose calls and CPU it leaves out', () => {
    // 200 calls a second; CPU 2,000 ms a second while warming up, 300 after, 5,000 in the last second.
    const perSecond = seconds(30, (i) => (i === 29 ? 50 : 200));
    const cpu = timeline((s) => (s - first < WARM_AFTER_SECONDS ? 2000 : s - first === 29 ? 5000 : 300), first);
    expect(warmCpuMsPerCall(perSecond, cpu)).toBeCloseTo(1.5, 6);
  });

  it('has no figure for a run too short to be warm', () => {
    const perSecond = seconds(WARM_AFTER_SECONDS + 4, () => 200);
    expect(
      warmCpuMsPerCall(
        perSecond,
        timeline(() => 300, first),
      ),
    ).toBeNull();
    expect(
      warmCpuMsPerCall(
        [],
        timeline(() => 300, first),
      ),
    ).toBeNull();
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
