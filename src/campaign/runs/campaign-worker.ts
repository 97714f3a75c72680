import type { Worker } from 'bullmq';
import { bullmq } from '../../commonjs/bullmq.js';
import type { RedisClient } from '../../redis/redis-client.js';
import type { Logger } from '../../log/logger.js';
import { seedJobOptions, type RetrySettings } from '../../queue/job-options.js';
import type { SeedQueue } from '../../queue/seed-queue.js';
import type { JobSink } from '../../queue/write-jobs.js';
import { CAMPAIGN_QUEUE_NAME } from './campaign-queue.js';
import { openCampaignParts } from '../campaign-parts.js';
import { createCampaignProcessor } from './run-campaign-job.js';

/** What the campaign worker needs of a QueueRuntime (a QueueRuntime is one). */
export interface CampaignWorkerDeps {
  readonly redis: RedisClient;
  readonly config: RetrySettings & { readonly keyPrefix: string; readonly maxRobotsPerCall: number };
  readonly logger: Logger;
  readonly seed: SeedQueue;
  readonly jobs: JobSink;
}

export interface CampaignWorkerOptions {
  /**
   * Run jobs this process handles at once, default 1. A run streams every room of its campaign
   * into the seed queue; with several worker processes, runs of different campaigns already
   * spread over them.
   */
  readonly concurrency?: number;
}

export interface CampaignWorker {
  readonly worker: Worker;
  /** Stops taking run jobs and waits for the one in hand (its enqueueing finishes). */
  close(): Promise<void>;
}

/**
 * Works the `campaign` queue: each job is one run fired by a campaign's job scheduler. Start it
 * in every `worker` process: whichever is free takes the run, and BullMQ gives each to one only.
 */
export async function startCampaignWorker(q: CampaignWorkerDeps, o: CampaignWorkerOptions = {}): Promise<CampaignWorker> {
  const logger = q.logger.child({ component: 'campaign-worker' });
  const campaigns = openCampaignParts(q);
  const processor = createCampaignProcessor({
    campaigns,
    seed: q.seed,
    jobs: q.jobs,
    maxRobotsPerCall: q.config.maxRobotsPerCall,
    jobOptions: seedJobOptions(q.config),
    logger,
  });
  const worker = new bullmq.Worker(CAMPAIGN_QUEUE_NAME, processor, {
    connection: q.redis,
    prefix: q.config.keyPrefix,
    concurrency: o.concurrency ?? 1,
  });
  worker.on('error', (err) => logger.error({ err }, 'campaign worker error'));
  worker.on('failed', (job, err) =>
    logger.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, err: { message: err.message } }, 'campaign run failed'),
  );
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      await campaigns.queue.close();
    },
  };
}
