import type { RobotCommand } from '../domain/robot-command.js';
import type { CallOutcome, RobotsApi } from '../tencent/call-outcome.js';
import type { CallStats } from './call-stats.js';

/** Records every outcome of the wrapped client in `stats`. */
export function countingApi(api: RobotsApi, stats: CallStats): RobotsApi {
  return {
    async call(command: RobotCommand, groupId: string, robots: readonly string[]): Promise<CallOutcome> {
      // Stamped when the call starts, so the measured rate is the rate calls were let through.
      const startedAt = Date.now();
      const outcome = await api.call(command, groupId, robots);
      stats.record(outcome, startedAt);
      return outcome;
    },
    close: () => api.close(),
  };
}
