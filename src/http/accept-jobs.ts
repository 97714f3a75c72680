import type { JobsOptions } from 'bullmq';
import type { SeedRequest } from '../domain/seed-request.js';
import { validateSeedRequest } from '../input/validate-seed-request.js';
import { planJobs } from '../queue/plan-jobs.js';
import { NOTHING_WRITTEN, writeJobs, type EnqueueProgress, type JobSink } from '../queue/write-jobs.js';
import { describeRedisFailure, isRedisFull } from '../redis/redis-failure.js';
import { statusOf, type API_ERROR_CODES, type ApiError } from './api-error-codes.js';
import type { RequestProblem } from './api-errors.js';

/** Problems listed in one 400 answer at most; a last entry counts the rest. */
export const MAX_LISTED_PROBLEMS = 100;

export interface AcceptJobsDeps {
  /** Where each job goes: the queue of the app its item names (routeJobsByApp). */
  readonly jobs: JobSink;
  /** The apps an item's `app` may name; with several, every item must name one. */
  readonly apps: readonly string[];
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
 * enqueues only when all are valid: one bad item and nothing is enqueued. `accepted` counts items; `jobIds` has one id per job,
 * more than one for an item with more robots than one call takes. Job ids are content hashes,
 * so an item already pending is not added twice; `added` counts the jobs that were new work,
 * `superseded` those of them that replaced a dead letter.
 */
export async function acceptJobs(items: readonly unknown[], d: AcceptJobsDeps): Promise<AcceptJobsResult> {
  const checked = checkItems(items, d);
  if (!checked.ok) return { statusCode: 400, body: { errors: checked.problems } };
  const planned = checked.requests.map((r) => planJobs('add_robots', r, d.maxRobotsPerCall));
  let acknowledged: EnqueueProgress = NOTHING_WRITTEN;
  let written: EnqueueProgress;
  try {
    written = await writeJobs(d.jobs, planned, { jobOptions: d.jobOptions, onProgress: (p) => (acknowledged = p) });
  } catch (err) {
    return storageFailure(err, acknowledged, checked.requests.length);
  }
  return {
    statusCode: 202,
    body: {
      accepted: checked.requests.length,
      added: written.added,
      superseded: written.superseded,
      jobIds: planned.flatMap((jobs) => jobs.map((j) => j.jobId)),
    },
  };
}

/**
 * The `jobIds` of the 202 answer to `items`, without enqueueing: a replayed Idempotency-Key
 * answer is rebuilt with them, so the stored answer keeps a few counts, not one id per job.
 */
export function plannedJobIds(items: readonly unknown[], d: AcceptJobsDeps): string[] {
  const checked = checkItems(items, d);
  return checked.ok ? checked.requests.flatMap((r) => planJobs('add_robots', r, d.maxRobotsPerCall).map((j) => j.jobId)) : [];
}

function checkItems(
  items: readonly unknown[],
  d: AcceptJobsDeps,
): { ok: true; requests: SeedRequest[] } | { ok: false; problems: RequestProblem[] } {
  const requests: SeedRequest[] = [];
  const problems: RequestProblem[] = [];
  let hidden = 0;
  items.forEach((item, index) => {
    const v = validateSeedRequest(item, {
      maxRobotsPerLine: d.maxRobotsPerLine,
      apps: d.apps,
      appRequired: d.apps.length > 1,
      priority: true,
    });
    if (v.ok) {
      requests.push(v.request);
      return;
    }
    for (const message of v.problems) {
      if (problems.length < MAX_LISTED_PROBLEMS) problems.push({ index, message });
      else hidden += 1;
    }
  });
  if (problems.length === 0) return { ok: true, requests };
  if (hidden > 0) problems.push({ message: `…and ${hidden} more problems; fix the ones above and send again` });
  return { ok: false, problems };
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
