import type { LedgerPolicy } from './slot-ledger.js';

/**
 * How the fleet shares the API's rate; the reasoning is in docs/rate-engine.md.
 * - 10 ms of tolerance absorbs event-loop lag up to that: a call whose slot is further gone is
 *   booked again rather than sent late. The spacing leaves 3 ms more for what happens between
 *   that check and the request on the wire (measured: without it, 1 sliding second in a few runs
 *   held 201 calls at 200/s, the late call next to the one after it). 13 ms in 1,013 is 1.3% of the cap.
 * - 50 ms of lead and batch: a process books up to 50 ms of consecutive slots in one round trip
 *   (10 calls at 200/s), and the whole fleet holds at most 100 ms of slots ahead.
 * - AIMD: a rate refusal multiplies the fleet's rate by 0.85 (at most every 500 ms: the refusals
 *   of one overshoot arrive together), then it climbs back by 2.5% of the ceiling each second.
 */
export const LEDGER_POLICY = {
  toleranceMs: 10,
  dispatchMarginMs: 3,
  leadMs: 50,
  batchMs: 50,
  increasePerSecond: 0.025,
  decreaseFactor: 0.85,
  decreaseCooldownMs: 500,
  floorPerSecond: 1,
  idleExpiryMs: 86_400_000,
} as const satisfies Omit<LedgerPolicy, 'ceilingPerSecond'>;

/** The policy for a fleet configured with this ceiling (`RATE_LIMIT_PER_SECOND`). */
export function ledgerPolicy(ceilingPerSecond: number, idleExpiryMs: number = LEDGER_POLICY.idleExpiryMs): LedgerPolicy {
  return { ...LEDGER_POLICY, ceilingPerSecond, idleExpiryMs };
}
