import type { MockCallStats } from '../../src/mock-api/mock-tencent-api.js';
import type { SecondCount } from '../../src/mock-api/rate-window.js';
import { round } from './numbers.js';

/** What the API (the mock) saw of one app's calls: the figures every rate benchmark reports, beside the cap. */
export interface ApiFigures {
  readonly calls: number;
  readonly fullSeconds: number;
  /** Calls the API took per second (refused ones left out), over the full seconds. */
  readonly meanCallsPerSecond: number;
  readonly capUsedPercent: number;
  readonly busiestSlidingSecond: number;
  readonly busiestSecond: number;
  readonly refusedForRate: number;
}

/** The figures of `stats` (one app's, or a one-app mock's) against `cap` calls per second. */
export function apiFigures(stats: MockCallStats, cap: number): ApiFigures {
  const use = capUse(stats.perSecond, cap);
  return {
    calls: stats.calls,
    fullSeconds: use.fullSeconds,
    meanCallsPerSecond: round(use.meanCallsPerSecond, 1),
    capUsedPercent: round(use.percent, 1),
    busiestSlidingSecond: stats.busiestSlidingSecond,
    busiestSecond: stats.busiestSecond,
    refusedForRate: stats.refusedForRate,
  };
}

interface CapUse {
  /** The seconds counted: every second strictly between the first and the last that had calls. */
  readonly fullSeconds: number;
  /** Calls the API took per second (refused ones left out), over those seconds. */
  readonly meanCallsPerSecond: number;
  readonly percent: number;
}

/**
 * The share of the cap used while work was queued, from the mock's calls per second. Full seconds
 * only: the first (workers starting) and the last (queue running dry) are partial. A second in
 * between without calls counts as 0 (the mock lists only seconds that had calls): an idle second
 * with work queued is cap left unused. Refused calls are not "used".
 */
function capUse(perSecond: readonly SecondCount[], cap: number): CapUse {
  const taken = new Map(perSecond.map((s) => [s.second, s.calls - s.refused]));
  const first = perSecond[0]?.second ?? 0;
  const last = perSecond.at(-1)?.second ?? 0;
  const full: number[] = [];
  for (let second = first + 1; second < last; second += 1) full.push(taken.get(second) ?? 0);
  const mean = full.reduce((a, b) => a + b, 0) / Math.max(1, full.length);
  return { fullSeconds: full.length, meanCallsPerSecond: mean, percent: (mean * 100) / cap };
}
