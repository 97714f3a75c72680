import { setTimeout as sleep } from 'node:timers/promises';
import type { CallGate } from '../limiter/call-gate.js';
import type { CallOutcome } from '../tencent/call-outcome.js';
import type { BreakerState, CircuitBreaker, OutcomeCounts } from './circuit-breaker.js';
import { isOutageSignal } from './outage-signal.js';

export interface BreakerGateOptions {
  /** The shared state read from Redis is reused for this long, default BREAKER_REFRESH_MS. */
  readonly stateMaxAgeMs?: number;
  /** Ordinary outcomes are reported to Redis together this often, default BREAKER_REFRESH_MS. */
  readonly flushIntervalMs?: number;
}

/**
 * How often a process reports its ordinary outcomes and reads the shared state back (one round
 * trip, and a timer, each time). At 200 ms, fleets of eight workers spent 4.5% more CPU per call
 * (BENCHMARKS.md, "The breaker's round trips"). A second is soon enough: the breaker judges 5 s of
 * calls, and a process whose own call fails like an outage reports it at once and hears the state
 * in the reply, so it holds that call whatever it last read.
 */
export const BREAKER_REFRESH_MS = 1000;

/**
 * While the breaker is open, calls wait on its state: it is read as often as before (at most
 * every 200 ms per process), so the fleet resumes within a moment of a probe closing it.
 */
const OPEN_STATE_MAX_AGE_MS = 200;

/** The gate, and `close()`, which reports the outcomes still counted. */
export interface BreakerGate extends CallGate {
  close(): Promise<void>;
}

/**
 * The circuit breaker as the limiter's gate: while it is open a call waits (polling the shared
 * state), unless it wins the probe token; an outage-like failure while open is held, not
 * reported, so jobs do not burn attempts on an outage.
 *
 * Kept off the per-call path: the shared state is read at most once per `stateMaxAgeMs` for all
 * calls of this process, and ordinary outcomes are counted here and reported in one round trip
 * per `flushIntervalMs`. An outage-like outcome (or a probe's) is reported at once, with the
 * counts before it, so the call that opens the breaker is already held.
 */
export function breakerGate(breaker: CircuitBreaker, o: BreakerGateOptions = {}): BreakerGate {
  const maxAgeMs = o.stateMaxAgeMs ?? BREAKER_REFRESH_MS;
  // What this process last saw: the synchronous check at the limiter slot goes by it.
  let lastSeen: BreakerState = 'closed';
  let seenAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<BreakerState> | null = null;
  let pending = 0;
  const see = (state: BreakerState): BreakerState => {
    seenAt = Date.now();
    return (lastSeen = state);
  };
  const state = (): Promise<BreakerState> => {
    const ageMs = lastSeen === 'open' ? Math.min(maxAgeMs, OPEN_STATE_MAX_AGE_MS) : maxAgeMs;
    if (Date.now() - seenAt < ageMs) return Promise.resolve(lastSeen);
    reading ??= breaker
      .state()
      .then(see)
      .finally(() => (reading = null));
    return reading;
  };
  const report = async (counts: OutcomeCounts, probe: boolean): Promise<BreakerState> => see(await breaker.record(counts, probe));
  const flush = async (): Promise<void> => {
    if (pending === 0) return;
    const calls = pending;
    pending = 0;
    await report({ calls, outages: 0, lastOutage: null }, false).catch(() => (pending += calls));
  };
  const timer = setInterval(() => void flush(), o.flushIntervalMs ?? BREAKER_REFRESH_MS);
  timer.unref();

  return {
    async admit(signal) {
      for (;;) {
        if (signal.aborted) return 'stop';
        if ((await state()) === 'closed') return 'send';
        if (await breaker.tryProbe()) return 'probe';
        const pauseMs = Math.round(breaker.probeIntervalMs * (0.5 + Math.random() * 0.5));
        try {
          await sleep(pauseMs, undefined, { signal });
        } catch {
          return 'stop';
        }
      }
    },
    mayStillSend() {
      return lastSeen === 'closed';
    },
    async settle(outcome: CallOutcome, probe: boolean) {
      const outage = isOutageSignal(outcome);
      if (!outage && !probe) {
        pending += 1;
        return 'report';
      }
      const calls = probe ? 1 : pending + 1;
      if (!probe) pending = 0;
      const after = await report({ calls, outages: outage ? 1 : 0, lastOutage: outage ? outcome : null }, probe);
      return after === 'open' && outage ? 'hold' : 'report';
    },
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
