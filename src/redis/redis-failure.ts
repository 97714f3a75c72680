/**
 * Says why a Redis command failed, in words an operator acts on. Redis's own texts are kept
 * (they name the setting); the common cases get what they mean for robot-seeder.
 */
export function describeRedisFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  const text = code === undefined ? err.message : `${err.message} (${code})`;
  if (isRedisFull(err)) return `Redis is full (maxmemory reached; with noeviction it refuses writes): ${text}`;
  if (err.message.startsWith('READONLY')) return `Redis is a read-only replica (a failover under way?): ${text}`;
  if (err.message.startsWith('LOADING')) return `Redis is still loading its data after a restart: ${text}`;
  return text;
}

/** Redis refused a write because it is full (maxmemory reached under noeviction): an outage of Redis, not a failure of the work. */
export function isRedisFull(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('OOM');
}
