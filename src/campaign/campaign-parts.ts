import type { RedisClient } from '../redis/redis-client.js';
import { CampaignKeys } from './store/campaign-keys.js';
import { CampaignRuns } from './runs/campaign-runs.js';
import { CampaignScheduler } from './runs/campaign-scheduler.js';
import { CampaignStore } from './store/campaign-store.js';
import { openCampaignQueue, type CampaignQueue } from './runs/campaign-queue.js';

/** What campaigns need of a QueueRuntime. */
export interface CampaignsDeps {
  readonly redis: RedisClient;
  readonly config: { readonly keyPrefix: string };
}

/**
 * The parts campaigns are made of, on one connection: the definitions and rooms (store), the
 * run log, and the BullMQ job schedulers that fire the runs. The `Campaigns` facade is built on
 * them for operators; the campaign worker, which carries the runs out, uses them directly.
 */
export interface CampaignParts {
  readonly store: CampaignStore;
  readonly runs: CampaignRuns;
  readonly scheduler: CampaignScheduler;
  readonly queue: CampaignQueue;
}

export function openCampaignParts(deps: CampaignsDeps): CampaignParts {
  const keys = new CampaignKeys(deps.config.keyPrefix);
  const queue = openCampaignQueue(deps.redis, deps.config.keyPrefix);
  return {
    store: new CampaignStore(deps.redis, keys),
    runs: new CampaignRuns(deps.redis, keys),
    scheduler: new CampaignScheduler(queue),
    queue,
  };
}
