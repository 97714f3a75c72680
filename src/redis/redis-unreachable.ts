/**
 * ioredis's ways of saying a command never reached Redis or got no answer: the connection is
 * down (a `service` or `producer` connection keeps no offline queue), it closed, the retries of
 * one command ran out.
 */
const UNREACHABLE_MESSAGES: readonly RegExp[] = [
  /^Stream isn't writeable/,
  /^Connection is closed/,
  /^Reached the max retries per request limit/,
  /^connect (ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH)/,
];

/**
 * Why a command failed for want of Redis: `timeout`, no answer within `commandTimeout` on a
 * connection that looks open (a network cut leaves it so); `unreachable`, the connection is down;
 * null when Redis answered (an error of its own, such as OOM) or the error is not Redis's.
 */
export function redisUnreachable(err: unknown): 'timeout' | 'unreachable' | null {
  if (!(err instanceof Error)) return null;
  if (err.message.startsWith('Command timed out')) return 'timeout';
  return err.name === 'MaxRetriesPerRequestError' || UNREACHABLE_MESSAGES.some((m) => m.test(err.message)) ? 'unreachable' : null;
}
