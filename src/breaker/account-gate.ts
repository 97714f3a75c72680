import { setTimeout as sleep } from 'node:timers/promises';
import type { CallGate } from '../limiter/call-gate.js';
import type { AccountPause } from './account-pause.js';

/** How often a held call looks whether the pause was lifted (the state itself is cached). */
const HELD_POLL_MS = 1000;

/**
 * The account pause in front of another gate (the circuit breaker): while the fleet is paused
 * every call waits in `admit`; an `account` answer pauses the fleet and is held, so its job
 * sends again once the pause is lifted, without using an attempt.
 */
export function accountGate(inner: CallGate, pause: AccountPause): CallGate {
  return {
    async admit(signal) {
      while (await pause.holds()) {
        try {
          await sleep(HELD_POLL_MS, undefined, { signal });
        } catch {
          return 'stop';
        }
      }
      return inner.admit(signal);
    },
    mayStillSend() {
      return !pause.holding && inner.mayStillSend();
    },
    async settle(outcome, probe) {
      const settled = await inner.settle(outcome, probe);
      if (outcome.kind === 'account') {
        await pause.pause(outcome, '');
        return 'hold';
      }
      if (outcome.kind !== 'resign' && outcome.httpStatus !== null) await pause.answered();
      return settled;
    },
  };
}
