import type { Job } from 'bullmq';
import type { RedisClient } from '../../redis/redis-client.js';
import type { DeadLetterEntry } from '../../dead-letter/dead-letter-entry.js';
import type { Logger } from '../../log/logger.js';
import { parseSeedJobData, type CampaignRunRef } from '../../queue/seed-job.js';
import type { SeedQueue } from '../../queue/seed-queue.js';
import type { SeedResult } from '../../worker/seed-processor.js';
import type { SeedWorkerEvents } from '../../worker/seed-worker.js';
import { CampaignKeys } from '../store/campaign-keys.js';
import { CampaignRuns, type RunOutcomeCounts } from './campaign-runs.js';

/** What accounting needs of a QueueRuntime (a QueueRuntime is one). */
export interface CampaignAccountingDeps {
  readonly redis: RedisClient;
  readonly config: { readonly keyPrefix: string };
  readonly logger: Logger;
  readonly seed: SeedQueue;
}

/** Seed worker events that count each campaign job's outcome into its run; `flush` waits for the writes. */
export interface CampaignAccounting extends Required<Pick<SeedWorkerEvents, 'onCompleted' | 'onDeadLettered'>> {
  /** Resolves when every count started so far is in Redis: call it after the worker closed, before Redis does. */
  flush(): Promise<void>;
}

/**
 * Listens to the seed worker: a completed job whose data names a campaign run adds to that
 * run's `seeded` (and `robots`), a dead-lettered one to its `deadLettered`. Counting never
 * throws into the worker; a failed write is logged and that job is not counted.
 */
export function campaignAccounting(q: CampaignAccountingDeps): CampaignAccounting {
  const runs = new CampaignRuns(q.redis, new CampaignKeys(q.config.keyPrefix));
  const log = q.logger.child({ component: 'campaign-accounting' });
  const inFlight = new Set<Promise<void>>();

  const track = (jobId: string | undefined, work: () => Promise<void>): void => {
    const p = work()
      .catch((err: unknown) => log.warn({ err, jobId }, 'could not count a campaign job into its run'))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const countInto = async (ref: CampaignRunRef | undefined, counts: RunOutcomeCounts): Promise<void> => {
    if (ref !== undefined) await runs.count(ref, counts);
  };

  return {
    onCompleted(job: Job, result: SeedResult) {
      const ref = runOf(job.data);
      if (ref !== undefined) track(job.id, () => countInto(ref, { seeded: 1, robots: result.seeded }));
    },
    onDeadLettered(entry: DeadLetterEntry) {
      // The entry does not carry the job's data; the failed job stays in the seed queue with it.
      track(entry.jobId, async () => countInto(runOf((await q.seed.getJob(entry.jobId))?.data), { deadLettered: 1 }));
    },
    async flush() {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
}

function runOf(data: unknown): CampaignRunRef | undefined {
  if (data === undefined) return undefined;
  try {
    return parseSeedJobData(data).campaignRun;
  } catch {
    return undefined;
  }
}
