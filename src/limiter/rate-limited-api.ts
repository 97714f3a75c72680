import type { RobotCommand } from '../domain/robot-command.js';
import { LIMITER_PRIORITY, type Priority } from '../domain/priority.js';
import type { CallOutcome, RobotsApi, RobotsClient } from '../tencent/call-outcome.js';
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
 * The send path: every call (retries and re-signed calls included) passes the gate, is made
 * ready, then waits for one of the fleet's slots and leaves at it. A call held back (gate closed,
 * shutdown, no slot) comes back as a slow-down outcome: its job waits without using an attempt.
 * Tencent's own rate refusals slow the whole fleet down.
 */
export function rateLimitedApi(client: RobotsClient, o: RateLimitedApiOptions): RobotsApi {
  const gate = o.gate ?? OPEN_GATE;
  return {
    async call(command: RobotCommand, groupId: string, robots: readonly string[], priority: Priority = 'low'): Promise<CallOutcome> {
      for (;;) {
        const admitted = await gate.admit(o.signal);
        if (admitted === 'stop') return heldBack('shutting down before the call was sent');
        const probe = admitted === 'probe';
        const prepared = client.prepare(command, groupId, robots);
        const outcome = await o.limiter.schedule(
          (sendBy) => (probe || gate.mayStillSend() ? prepared.send(sendBy) : Promise.resolve(null)),
          LIMITER_PRIORITY[priority],
        );
        if (outcome === null) continue;
        if ('heldBack' in outcome) return heldBack(outcome.heldBack);
        if (isRateRefusal(outcome)) o.limiter.refused();
        // Recording the outcome may fail (Redis away); the answer itself must not be lost for that.
        if ((await gate.settle(outcome, probe).catch(() => 'report' as const)) === 'report') return outcome;
      }
    },
    close: () => client.close(),
  };
}

/** Tencent (or a proxy, with 429) refused the call for the app's rate: not our own holding back. */
export function isRateRefusal(o: CallOutcome): boolean {
  return o.kind === 'slow-down' && (o.errorCode !== null || o.httpStatus !== null);
}

function heldBack(errorInfo: string): CallOutcome {
  return { kind: 'slow-down', errorCode: null, errorInfo, httpStatus: null, requestId: null, durationMs: 0 };
}
