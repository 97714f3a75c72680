import type { JobSchedulerTemplateOptions, Queue } from 'bullmq';
import { bullmq } from '../../commonjs/bullmq.js';
import type { RedisClient } from '../../redis/redis-client.js';
import type { CampaignRunKind } from '../campaign.js';
import { ignoreRelayedConnectionErrors } from '../../queue/seed-queue.js';

/** The queue of run jobs, fired by one job scheduler per campaign (and one for its end). */
export const CAMPAIGN_QUEUE_NAME = 'campaign';

/** What a run job carries: which campaign, and whether it re-adds the robots or removes them (the end). */
export interface CampaignJobData {
  readonly campaign: string;
  readonly kind: CampaignRunKind;
}

export type CampaignQueue = Queue<CampaignJobData>;

/**
 * Run jobs are retried a few times (a Redis blip mid-enqueue): a retry re-enqueues the same
 * deterministic seed job ids, so nothing is added twice. A few failed ones are kept to look at.
 */
export const RUN_JOB_OPTIONS: JobSchedulerTemplateOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: { count: 100 },
};

/** Same connection and prefix as the seed queue, so it shares its cluster slot. */
export function openCampaignQueue(redis: RedisClient, prefix: string): CampaignQueue {
  const queue = new bullmq.Queue<CampaignJobData>(CAMPAIGN_QUEUE_NAME, { connection: redis, prefix });
  ignoreRelayedConnectionErrors(queue);
  return queue;
}

export const runSchedulerId = (name: string): string => `run.${name}`;
export const endSchedulerId = (name: string): string => `end.${name}`;

/** Reads a run job's data back from Redis, where another version may have written something else. */
export function parseCampaignJobData(value: unknown): CampaignJobData {
  if (typeof value === 'object' && value !== null) {
    const { campaign, kind } = value as Record<string, unknown>;
    if (typeof campaign === 'string' && (kind === 'add' || kind === 'remove')) return { campaign, kind };
  }
  throw new TypeError(`campaign job data is not valid: ${JSON.stringify(value)}`);
}
