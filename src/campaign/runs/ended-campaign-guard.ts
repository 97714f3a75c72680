import type { RedisClient } from '../../redis/redis-client.js';
import type { SeedJobData } from '../../queue/seed-job.js';
import { CampaignKeys } from '../store/campaign-keys.js';

/**
 * For the seed processor, before every attempt: an add_robots job of a campaign that has ended
 * must not put back the robots its end removed (an add already taken by a worker when the end
 * came, or retried after it). Returns why the job is skipped, or null to go ahead.
 */
export function endedCampaignGuard(q: { readonly redis: RedisClient; readonly config: { readonly keyPrefix: string } }) {
  const keys = new CampaignKeys(q.config.keyPrefix);
  return async (data: SeedJobData): Promise<string | null> => {
    if (data.command !== 'add_robots' || data.campaignRun === undefined) return null;
    const endedAt = await q.redis.hget(keys.campaign(data.campaignRun.campaign), 'endedAt');
    return endedAt === null
      ? null
      : `campaign ${data.campaignRun.campaign} ended at ${new Date(Number(endedAt)).toISOString()}; its robots were removed`;
  };
}
