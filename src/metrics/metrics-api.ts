import type { RobotCommand } from '../domain/robot-command.js';
import type { CallOutcome, RobotsApi } from '../tencent/call-outcome.js';
import type { CallMetricsRecorder } from './seeder-metrics.js';

/**
 * Records every outcome of the wrapped client in the Prometheus metrics. Put it inside the
 * limiter (as the worker runtime's `decorate` option does), so it sees each real call and
 * not the limiter's own stalled answers.
 */
export function metricsApi(api: RobotsApi, metrics: CallMetricsRecorder): RobotsApi {
  return {
    async call(command: RobotCommand, groupId: string, robots: readonly string[]): Promise<CallOutcome> {
      const outcome = await api.call(command, groupId, robots);
      metrics.recordCall(outcome);
      return outcome;
    },
    close: () => api.close(),
  };
}
