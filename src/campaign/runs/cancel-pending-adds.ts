import type { SeedRequest } from '../../domain/seed-request.js';
import type { Logger } from '../../log/logger.js';
import { planJobs } from '../../queue/plan-jobs.js';
import { parseSeedJobData } from '../../queue/seed-job.js';
import type { SeedQueue } from '../../queue/seed-queue.js';

const PENDING = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);
const BATCH = 200;

/**
 * Before a campaign's end removes its robots, drops its add_robots jobs that have not run yet,
 * so that a late run's add cannot land after the removal and put the robots back. Only this
 * campaign's jobs are touched (same room and robots from another source keep theirs), and
 * only pending ones: a job already running is left to finish before the del_robots behind it.
 */
export async function cancelPendingAdds(
  seed: SeedQueue,
  rooms: AsyncIterable<SeedRequest>,
  o: { campaign: string; maxRobotsPerCall: number; logger: Logger },
): Promise<number> {
  let cancelled = 0;
  let ids: string[] = [];
  const flush = async (): Promise<void> => {
    const done = await Promise.all(ids.map((id) => cancelOne(seed, id, o.campaign, o.logger)));
    cancelled += done.filter(Boolean).length;
    ids = [];
  };
  for await (const room of rooms) {
    for (const job of planJobs('add_robots', room, o.maxRobotsPerCall)) ids.push(job.jobId);
    if (ids.length >= BATCH) await flush();
  }
  await flush();
  return cancelled;
}

async function cancelOne(seed: SeedQueue, jobId: string, campaign: string, logger: Logger): Promise<boolean> {
  if (!PENDING.has(await seed.getJobState(jobId))) return false;
  const job = await seed.getJob(jobId);
  if (job === undefined) return false;
  try {
    if (parseSeedJobData(job.data).campaignRun?.campaign !== campaign) return false;
    await job.remove();
    return true;
  } catch (err) {
    // Taken by a worker in between (locked): it runs before the del_robots queued behind it.
    logger.debug({ err, jobId }, 'pending add not cancelled');
    return false;
  }
}
