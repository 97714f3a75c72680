import type { CallOutcome, OutcomeKind } from '../tencent/call-outcome.js';

export interface CallStatsSnapshot {
  readonly calls: number;
  readonly byKind: Readonly<Record<OutcomeKind, number>>;
  /** Calls by Tencent ErrorCode (`http <status>` or `network` when there was none); successes excluded. */
  readonly byError: Readonly<Record<string, number>>;
  /** Calls per second between the first and the last call; 0 before two calls. */
  readonly callsPerSecond: number;
  readonly elapsedMs: number;
  /** Recent call latency, an exponentially weighted average (0 before the first call). */
  readonly recentLatencyMs: number;
}

/** Weight of the newest call in `recentLatencyMs`: about the last 20 calls matter. */
const LATENCY_WEIGHT = 0.1;

/** Counts the calls this process made, for reports and progress lines. */
export class CallStats {
  #calls = 0;
  #firstAt = 0;
  #lastAt = 0;
  #latencyMs = 0;
  readonly #byKind: Record<OutcomeKind, number> = { success: 0, retry: 0, 'slow-down': 0, resign: 0, split: 0, account: 0, permanent: 0 };
  readonly #byError = new Map<string, number>();

  record(outcome: CallOutcome, at = Date.now()): void {
    this.#calls += 1;
    // Calls finish out of order; the span is from the earliest to the latest stamp.
    this.#firstAt = this.#firstAt === 0 ? at : Math.min(this.#firstAt, at);
    this.#lastAt = Math.max(this.#lastAt, at);
    this.#byKind[outcome.kind] += 1;
    this.#latencyMs = this.#calls === 1 ? outcome.durationMs : this.#latencyMs + LATENCY_WEIGHT * (outcome.durationMs - this.#latencyMs);
    if (outcome.kind !== 'success') {
      const key = errorKey(outcome);
      this.#byError.set(key, (this.#byError.get(key) ?? 0) + 1);
    }
  }

  snapshot(): CallStatsSnapshot {
    const elapsedMs = this.#lastAt - this.#firstAt;
    return {
      calls: this.#calls,
      byKind: { ...this.#byKind },
      byError: Object.fromEntries(this.#byError),
      callsPerSecond: elapsedMs > 0 ? ((this.#calls - 1) * 1000) / elapsedMs : 0,
      elapsedMs,
      recentLatencyMs: this.#latencyMs,
    };
  }
}

function errorKey(o: CallOutcome): string {
  if (o.errorCode !== null) return String(o.errorCode);
  return o.httpStatus !== null ? `http ${o.httpStatus}` : 'network';
}
