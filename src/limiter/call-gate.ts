import type { CallOutcome } from '../tencent/call-outcome.js';

/**
 * Decides whether calls may go out at all (the circuit breaker implements it). The limiter
 * decides when; the gate decides whether.
 */
export interface CallGate {
  /**
   * Before a call queues for a limiter slot. Waits while calls are held; resolves `send`, `probe`
   * (this call tests whether the API is back) or `stop` when `signal` aborts (shutdown).
   */
  admit(signal: AbortSignal): Promise<'send' | 'probe' | 'stop'>;
  /**
   * At the slot: whether a non-probe call may still go out (the gate may have closed meanwhile).
   * Synchronous on purpose: anything awaited between the grant and the send (a Redis round trip
   * on a connection still reconnecting) would let granted calls pile up and leave together,
   * breaking the limiter's spacing.
   */
  mayStillSend(): boolean;
  /** After the answer: `report` it to the job, or `hold` (an outage: wait and send again, no attempt used). */
  settle(outcome: CallOutcome, probe: boolean): Promise<'report' | 'hold'>;
}

/** The gate of a deployment without a breaker: everything goes. */
export const OPEN_GATE: CallGate = {
  admit: () => Promise.resolve('send'),
  mayStillSend: () => true,
  settle: () => Promise.resolve('report'),
};
