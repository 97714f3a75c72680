/**
 * ioredis's ways of saying a command never reached Redis or got no answer: the connection is
 * down (a `service` or `producer` connection keeps no offline queue), it closed, the retries of
 * one command ran out, or the answer took longer than `commandTimeout`.
 */
const UNREACHABLE_MESSAGES: readonly RegExp[] = [
  /^Stream isn't writeable/,
  /^Connection is closed/,
  /^Command timed out/,
  /^Reached the max retries per request limit/,
  /^connect (ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH)/,
];

/** True when `err` says Redis cannot be reached now (not that it refused the command). */
export function isRedisUnreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError' || UNREACHABLE_MESSAGES.some((m) => m.test(err.message));
}
