import type { CallOutcome, RobotsClient } from './call-outcome.js';

/** Sees each call that was really sent: its outcome and when it left (ms since the epoch). */
export type CallObserver = (outcome: CallOutcome, sentAt: number) => void;

/**
 * The one place calls are watched from (run reports, Prometheus metrics). Put inside the limiter,
 * it sees every call that left and none of the limiter's own held-back answers.
 */
export function observeCalls(client: RobotsClient, observers: readonly CallObserver[]): RobotsClient {
  return {
    prepare(command, groupId, robots) {
      const call = client.prepare(command, groupId, robots);
      return {
        async send(sendBy) {
          const sentAt = Date.now();
          const outcome = await call.send(sendBy);
          for (const observe of observers) observe(outcome, sentAt);
          return outcome;
        },
      };
    },
    close: () => client.close(),
  };
}
