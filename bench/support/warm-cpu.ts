import type { SecondCount } from '../../src/mock-api/rate-window.js';
import type { CpuTimeline } from './process-usage.js';

/**
 * Seconds after the first call before a fleet counts as warm. Measured (6 workers, 2026-12-01): the
 * fleet's CPU per second fell for some 8 s after its first call (start-up, first connections, lazy
 * compilation, V8's optimizing compiler), then held.
 */
export const WARM_AFTER_SECONDS = 10;

/** The fewest warm seconds worth a figure. */
const MIN_WARM_SECONDS = 5;

/**
 * CPU per call once warm: the workers' CPU from WARM_AFTER_SECONDS after the first second with
 * calls to the start of the last one (the queue running dry), divided by the calls the API received
 * in between (refused ones included, as in the whole-run figure). What a long-running fleet pays per
 * call; null when the run is too short to tell.
 */
export function warmCpuMsPerCall(perSecond: readonly SecondCount[], cpu: CpuTimeline): number | null {
  const first = perSecond[0]?.second;
  const last = perSecond.at(-1)?.second;
  if (first === undefined || last === undefined) return null;
  const from = first + WARM_AFTER_SECONDS;
  if (last - from < MIN_WARM_SECONDS) return null;
  const calls = perSecond.filter((s) => s.second >= from && s.second < last).reduce((sum, s) => sum + s.calls, 0);
  return (cpu.cpuMsAt(last * 1000) - cpu.cpuMsAt(from * 1000)) / Math.max(1, calls);
}
