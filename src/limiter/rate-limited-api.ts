import { isSeederError } from '../errors/seeder-error.js';
import type { RobotCommand } from '../domain/robot-command.js';
import type { CallOutcome, RobotsApi } from '../tencent/call-outcome.js';
import { OPEN_GATE, type CallGate } from './call-gate.js';
import type { SharedLimiter } from './shared-limiter.js';

export interface RateLimitedApiOptions {
  readonly limiter: SharedLimiter;
  /** Whether calls may go out at all (the circuit breaker); default: always. */
  readonly gate?: CallGate;
  /** Aborted at shutdown: calls held by the gate give up and their jobs wait in the queue. */
  readonly signal: AbortSignal;
}

/**
 * The send path: every call (retries and re-signed calls included) passes the gate, then waits
 * for a slot of the shared limiter. A call held back (gate closed, shutdown, stalled limiter)
 * comes back as a slow-down outcome: its job waits without using an attempt.
 */
export function rateLimitedApi(api: RobotsApi, o: RateLimitedApiOptions): RobotsApi {
  const gate = o.gate ?? OPEN_GATE;
  return {
    async call(command: RobotCommand, groupId: string, robots: readonly string[]): Promise<CallOutcome> {
      for (;;) {
        const admitted = await gate.admit(o.signal);
        if (admitted === 'stop') return heldBack('shutting down before the call was sent');
        const probe = admitted === 'probe';
        let outcome: CallOutcome | null;
        try {
          outcome = await o.limiter.schedule(() => (probe || gate.mayStillSend() ? api.call(command, groupId, robots) : Promise.resolve(null)));
        } catch (err) {
          if (!isSeederError(err) || err.code !== 'LIMITER_STALLED') throw err;
          return heldBack(err.message);
        }
        // Recording the outcome may fail (Redis away); the answer itself must not be lost for that.
        if (outcome !== null && (await gate.settle(outcome, probe).catch(() => 'report' as const)) === 'report') return outcome;
      }
    },
    close: () => api.close(),
  };
}

function heldBack(errorInfo: string): CallOutcome {
  return { kind: 'slow-down', errorCode: null, errorInfo, httpStatus: null, requestId: null, durationMs: 0 };
}
