import type { JobsOptions } from 'bullmq';
import { checkItem, itemLimits, newItemTally, type ItemTally } from '../input/valid-items.js';
import { EnqueueStopped, type EnqueueOutcome } from '../queue/enqueue-checked.js';
import { enqueueItems } from '../queue/enqueue-items.js';
import { planJobs } from '../queue/plan-jobs.js';
import type { EnqueueProgress, JobSink } from '../queue/write-jobs.js';
import { describeRedisFailure, isRedisFull } from '../redis/redis-failure.js';
import { statusOf, type API_ERROR_CODES, type ApiError } from './api-error-codes.js';
import type { RequestProblem } from './api-errors.js';

export interface AcceptJobsDeps {
  /** Where each job goes: the queue of the app its item names (appRouting). */
  readonly jobs: JobSink;
  /** The apps an item's `app` may name. */
  readonly apps: readonly string[];
  /** Whether every item must name its app (several apps configured). */
  readonly appRequired: boolean;
  readonly maxRobotsPerCall: number;
  readonly maxRobotsPerLine: number;
  /** With the normal lane's priority: an item's `priority` overrides it for its jobs. */
  readonly jobOptions: JobsOptions;
}

export type AcceptJobsResult =
  | {
      readonly statusCode: 202;
      readonly body: { readonly accepted: number; readonly added: number; readonly superseded: number; readonly jobIds: readonly string[] };
    }
  | { readonly statusCode: 400; readonly body: { readonly errors: readonly RequestProblem[] } }
  | { readonly statusCode: (typeof API_ERROR_CODES)[StorageFailure['error']]['status']; readonly body: StorageFailure };

/** Redis refused the jobs part-way: what it acknowledged before, so that a client knows where it stands. */
export interface StorageFailure extends ApiError<'REDIS_FULL' | 'REDIS_UNAVAILABLE'> {
  readonly message: string;
  /** Items and jobs Redis acknowledged (a few more of the last batch may be in too). */
  readonly enqueued: { readonly items: number; readonly jobs: number };
}

/**
 * Validates every item first (with the job files' rules, plus its `app` and `priority`) and
 * enqueues only when all are valid: one bad item and nothing is enqueued (enqueueItems, the path
 * of job files and of the producer library too). `accepted` counts items; `jobIds` has one id per job,
 * more than one for an item with more robots than one call takes. Job ids are content hashes,
 * so an item already pending is not added twice; `added` counts the jobs that were new work,
 * `superseded` those of them that replaced a dead letter.
 */
export async function acceptJobs(items: readonly unknown[], d: AcceptJobsDeps): Promise<AcceptJobsResult> {
  const jobIds: string[] = [];
  let outcome: EnqueueOutcome<ItemTally>;
  try {
    outcome = await enqueueItems(d.jobs, items, {
      limits: itemLimits(d.maxRobotsPerLine, d),
      command: 'add_robots',
      maxRobotsPerCall: d.maxRobotsPerCall,
      jobOptions: d.jobOptions,
      // The body is in memory already, and its jobs take about as much: a request never spools to disk.
      memoryBytes: Number.MAX_SAFE_INTEGER,
      onPlanned: (jobs) => {
        for (const job of jobs) jobIds.push(job.jobId);
      },
    });
  } catch (err) {
    if (err instanceof EnqueueStopped) return storageFailure(err.cause, err.written, items.length);
    throw err;
  }
  if (outcome.refused) return { statusCode: 400, body: { errors: listedProblems(outcome.tally) } };
  const { written } = outcome;
  return { statusCode: 202, body: { accepted: outcome.tally.valid, added: written.added, superseded: written.superseded, jobIds } };
}

/**
 * The `jobIds` of the 202 answer to `items`, without enqueueing: a replayed Idempotency-Key
 * answer is rebuilt with them, so the stored answer keeps a few counts, not one id per job.
 */
export function plannedJobIds(items: readonly unknown[], d: AcceptJobsDeps): string[] {
  const tally = newItemTally();
  const limits = itemLimits(d.maxRobotsPerLine, d);
  const requests = items.flatMap((item) => checkItem(item, limits, tally) ?? []);
  return tally.invalid > 0 ? [] : requests.flatMap((r) => planJobs('add_robots', r, d.maxRobotsPerCall).map((j) => j.jobId));
}

/** The 400 answer's list: the problems listed, and a last entry counting the rest. */
function listedProblems(tally: ItemTally): RequestProblem[] {
  const problems: RequestProblem[] = [...tally.problems];
  if (tally.unlisted > 0) problems.push({ message: `…and ${tally.unlisted} more problems; fix the ones above and send again` });
  return problems;
}

/**
 * 507 when Redis is full (maxmemory reached under noeviction), 503 when it fails otherwise: the
 * work is not lost, it is not in yet. Job ids are content hashes, so sending the same request
 * again once Redis takes writes adds only what is missing.
 */
function storageFailure(err: unknown, acknowledged: EnqueueProgress, items: number): AcceptJobsResult {
  const code = isRedisFull(err) ? 'REDIS_FULL' : 'REDIS_UNAVAILABLE';
  return {
    statusCode: statusOf(code),
    body: {
      error: code,
      message:
        `${acknowledged.requests} of ${items} items (${acknowledged.jobs} jobs) were enqueued before Redis refused the rest: ${describeRedisFailure(err)}; ` +
        'send the same request again once Redis takes writes: jobs already queued are not added twice',
      enqueued: { items: acknowledged.requests, jobs: acknowledged.jobs },
    },
  };
}
