import type { LedgerPolicy } from './slot-ledger.js';

/**
 * How the fleet shares the API's rate; the reasoning is in docs/rate-engine.md.
 * - 10 ms of tolerance costs 1% of the cap and absorbs event-loop lag up to that: a call whose
 *   slot is further gone is booked again rather than sent late.
 * - 50 ms of lead and batch: a process books up to 50 ms of consecutive slots in one round trip
 *   (10 calls at 200/s), and the whole fleet holds at most 100 ms of slots ahead.
 * - AIMD: a rate refusal multiplies the fleet's rate by 0.85 (at most every 500 ms: the refusals
 *   of one overshoot arrive together), then it climbs back by 2.5% of the ceiling each second.
 */
export const LEDGER_POLICY = {
  toleranceMs: 10,
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
