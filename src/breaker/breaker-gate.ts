import { setTimeout as sleep } from 'node:timers/promises';
import type { CallGate } from '../limiter/call-gate.js';
import type { CallOutcome } from '../tencent/call-outcome.js';
import type { BreakerState, CircuitBreaker } from './circuit-breaker.js';
import { isOutageSignal } from './outage-signal.js';

/**
 * The circuit breaker as the limiter's gate: while it is open a call waits (polling the shared
 * state), unless it wins the probe token; an outage-like failure while open is held, not
 * reported, so jobs do not burn attempts on an outage.
 */
export function breakerGate(breaker: CircuitBreaker): CallGate {
  // The state this process last saw (every admit and every recorded outcome reads it): what the
  // synchronous check at the limiter slot goes by.
  let lastSeen: BreakerState = 'closed';
  const see = (state: BreakerState): BreakerState => (lastSeen = state);
  return {
    async admit(signal) {
      for (;;) {
        if (signal.aborted) return 'stop';
        if (see(await breaker.state()) === 'closed') return 'send';
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
      const state = see(await breaker.record(outcome, probe));
      return state === 'open' && isOutageSignal(outcome) ? 'hold' : 'report';
    },
  };
}
