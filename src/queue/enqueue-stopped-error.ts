import { isSeederError, SeederError } from '../errors/seeder-error.js';
import { describeRedisFailure, isRedisFull } from '../redis/redis-failure.js';
import type { EnqueueStopped } from './enqueue-checked.js';

/** How a producer that stopped part-way names its work, for a message that says how far it got. */
export interface StoppedWork {
  /** What was being enqueued: a job file's label, "the rooms given". */
  readonly what: string;
  /** What its items are called: "lines", "rooms". */
  readonly items: string;
  /** How to finish: "run the same command again". */
  readonly again: string;
  readonly signal?: AbortSignal | undefined;
}

/** Why repeating is safe, after every "how to finish". */
const NOT_TWICE = 'jobs already in the queue are not added twice';

/**
 * The SeederError of an enqueue whose writing stopped (the CLI's `enqueue` and the producer
 * library): REDIS_UNAVAILABLE, or INTERRUPTED, saying what Redis acknowledged before; an error
 * that already is a SeederError (the spool) keeps its code and gets the same account.
 */
export function enqueueStoppedError(stop: EnqueueStopped, work: StoppedWork): SeederError {
  const { written, cause } = stop;
  const inRedis = `${written.jobs} jobs in Redis`;
  if (work.signal?.aborted === true) {
    return interruptedError(
      `enqueueing ${work.what} was interrupted after ${written.requests} of ${stop.planned} ${work.items} (${inRedis})`,
      cause,
      work.again,
    );
  }
  if (isSeederError(cause)) {
    // An input refusal comes before any write; a later failure (the spool) also says how far it got.
    if (written.jobs > 0) cause.message += `; enqueueing stopped after ${written.requests} ${work.items} (${inRedis})`;
    return cause;
  }
  const again = `${work.again}: ${NOT_TWICE}`;
  return new SeederError(
    'REDIS_UNAVAILABLE',
    `enqueueing ${work.what} stopped after ${written.requests} ${work.items} (${inRedis}): ${describeRedisFailure(cause)}`,
    {
      hint: isRedisFull(cause) ? `free memory in Redis or raise its maxmemory, then ${again}` : `once Redis answers again, ${again}`,
      cause,
    },
  );
}

/** INTERRUPTED, with how to finish. */
export function interruptedError(message: string, cause: unknown, again: string): SeederError {
  return new SeederError('INTERRUPTED', message, { hint: `to finish, ${again}: ${NOT_TWICE}`, cause });
}
