import type { SecondCount } from '../../src/mock-api/rate-window.js';

export interface SecondCalls {
  readonly second: number;
  readonly calls: number;
  readonly refused: number;
}

/**
 * The mock's calls in every whole wall-clock second inside [fromMs, toMs), seconds without
 * calls included as 0 (the mock lists only seconds that had calls). Partial seconds at either
 * end are left out, so the figures compare with the cap.
 */
export function wholeSeconds(perSecond: readonly SecondCount[], fromMs: number, toMs: number): SecondCalls[] {
  const bySecond = new Map(perSecond.map((s) => [s.second, s]));
  const out: SecondCalls[] = [];
  for (let second = Math.ceil(fromMs / 1000); (second + 1) * 1000 <= toMs; second += 1) {
    const s = bySecond.get(second);
    out.push({ second, calls: s?.calls ?? 0, refused: s?.refused ?? 0 });
  }
  return out;
}

export function meanCalls(seconds: readonly SecondCalls[]): number {
  return seconds.length === 0 ? 0 : Math.round(seconds.reduce((a, s) => a + s.calls, 0) / seconds.length);
}

export function maxCalls(seconds: readonly SecondCalls[]): number {
  return seconds.reduce((a, s) => Math.max(a, s.calls), 0);
}

export interface CallSample {
  /** Milliseconds since sampling started. */
  readonly atMs: number;
  /** The running call count then. */
  readonly calls: number;
}

/**
 * Reads a running call count every 2 ms for `durationMs`, or until `done` says no call is left
 * to come: finer than the mock's per-second figures, to see whether calls keep the limiter's
 * spacing or go out in a burst.
 */
export async function sampleCalls(read: () => number, durationMs: number, done: () => boolean): Promise<CallSample[]> {
  const started = Date.now();
  const samples: CallSample[] = [];
  for (;;) {
    const atMs = Date.now() - started;
    samples.push({ atMs, calls: read() });
    if (atMs >= durationMs || done()) return samples;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The most calls in any window of `windowMs` (and where it starts). */
export function busiestWindow(samples: readonly CallSample[], windowMs: number): { calls: number; atMs: number } {
  let best = { calls: 0, atMs: 0 };
  for (let end = 0, start = 0; end < samples.length; end += 1) {
    const last = samples[end];
    if (last === undefined) break;
    while ((samples[start]?.atMs ?? last.atMs) < last.atMs - windowMs) start += 1;
    const first = samples[start] ?? last;
    if (last.calls - first.calls > best.calls) best = { calls: last.calls - first.calls, atMs: first.atMs };
  }
  return best;
}

/** The most of `times` (ms stamps, any order) inside any window of `ms`: a sliding-window maximum. */
export function mostInWindow(times: readonly number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let lo = 0, hi = 0; hi < sorted.length; hi += 1) {
    while ((sorted[hi] ?? 0) - (sorted[lo] ?? 0) >= ms) lo += 1;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
