import { isSeederError } from '../errors/seeder-error.js';
import type { RobotCommand } from '../domain/robot-command.js';
import type { CallOutcome, RobotsApi } from '../tencent/call-outcome.js';
import type { SharedLimiter } from './shared-limiter.js';

/**
 * Puts every call (retries and re-signed calls included) through the shared limiter.
 * A stalled limiter is reported as a slow-down outcome: the job waits without using an attempt.
 */
export function rateLimitedApi(api: RobotsApi, limiter: SharedLimiter): RobotsApi {
  return {
    async call(command: RobotCommand, groupId: string, robots: readonly string[]): Promise<CallOutcome> {
      try {
        return await limiter.schedule(() => api.call(command, groupId, robots));
      } catch (err) {
        if (!isSeederError(err) || err.code !== 'LIMITER_STALLED') throw err;
        return { kind: 'slow-down', errorCode: null, errorInfo: err.message, httpStatus: null, requestId: null, durationMs: 0 };
      }
    },
    close: () => api.close(),
  };
}
