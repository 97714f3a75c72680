import type { Job, JobsOptions } from 'bullmq';
import type { RobotCommand } from '../../domain/robot-command.js';
import type { Logger } from '../../log/logger.js';
import { enqueueRequests } from '../../queue/enqueue-requests.js';
import type { SeedQueue } from '../../queue/seed-queue.js';
import type { JobSink } from '../../queue/write-jobs.js';
import type { Campaign, CampaignRunKind } from '../campaign.js';
import { parseCampaignJobData } from './campaign-queue.js';
import type { CampaignParts } from '../campaign-parts.js';
import { cancelPendingAdds } from './cancel-pending-adds.js';

export interface CampaignJobDeps {
  /** The parts of campaigns, not the operators' facade: carrying a run out is their own business. */
  readonly campaigns: CampaignParts;
  readonly seed: SeedQueue;
  /** Where runs enqueue: a room dead-lettered by an earlier run is seeded again. */
  readonly jobs: JobSink;
  readonly maxRobotsPerCall: number;
  /** The options of every seed job (attempts, backoff, removal). */
  readonly jobOptions: JobsOptions;
  readonly logger: Logger;
}

/** What a run job returns (kept in its `returnvalue` until it is removed). */
export type CampaignJobResult =
  | { readonly outcome: 'enqueued'; readonly runId: string; readonly jobs: number; readonly cancelled?: number }
  | { readonly outcome: 'skipped'; readonly reason: string };

/**
 * Processes a run job: `add` re-enqueues every stored room as add_robots jobs tagged with the
 * run; `remove` (the campaign's end) stops the runs, cancels adds still pending, enqueues
 * del_robots for every room and marks the campaign ended. The state is read at run time, so a
 * job fired just before a pause or a remove does nothing.
 */
export function createCampaignProcessor(deps: CampaignJobDeps) {
  const { campaigns } = deps;
  return async function processCampaignJob(job: Job): Promise<CampaignJobResult> {
    const { campaign: name, kind } = parseCampaignJobData(job.data);
    const log = deps.logger.child({ campaign: name, kind, jobId: job.id });
    const c = await campaigns.store.get(name);
    if (c === undefined) {
      // Removed while its scheduler lived on (a crash between the two): finish the removal.
      await campaigns.scheduler.stopAll(name);
      return skipped(log, 'no such campaign');
    }
    // A remove run retried after a crash finds the campaign already marked ended: it goes on.
    if (c.endedAtMs !== null && kind === 'add') return skipped(log, 'the campaign has ended');
    if (kind === 'add' && c.paused) return skipped(log, 'the campaign is paused');
    if (kind === 'remove') await campaigns.scheduler.stopRuns(name);

    const runId = runIdOf(job, kind);
    if ((await campaigns.runs.start(name, runId, kind, Date.now())) === 'no-campaign') return skipped(log, 'removed just now');
    const cancelled =
      kind === 'remove'
        ? await cancelPendingAdds(deps.seed, campaigns.store.rooms(c), {
            campaign: name,
            maxRobotsPerCall: deps.maxRobotsPerCall,
            logger: log,
          })
        : undefined;
    // Marked ended first: from then on every add of this campaign skips its call (endedCampaignGuard).
    if (kind === 'remove' && c.endedAtMs === null) await campaigns.store.markEnded(name, Date.now());
    const jobs = await enqueueRooms(deps, c, kind === 'add' ? 'add_robots' : 'del_robots', runId);
    await campaigns.runs.enqueued(name, runId, jobs, Date.now());
    if (kind === 'remove') await campaigns.scheduler.stopAll(name);
    log.info(
      { runId, jobs, rooms: c.rooms, ...(cancelled === undefined ? {} : { cancelled }) },
      kind === 'add' ? 'campaign run enqueued' : 'campaign ended: robots being removed',
    );
    return { outcome: 'enqueued', runId, jobs, ...(cancelled === undefined ? {} : { cancelled }) };
  };
}

async function enqueueRooms(deps: CampaignJobDeps, c: Campaign, command: RobotCommand, runId: string): Promise<number> {
  const r = await enqueueRequests(deps.jobs, deps.campaigns.store.rooms(c), {
    command,
    maxRobotsPerCall: deps.maxRobotsPerCall,
    jobOptions: deps.jobOptions,
    campaignRun: { campaign: c.name, runId },
  });
  if (r.requests !== c.rooms)
    deps.logger.error({ campaign: c.name, runId, stored: c.rooms, read: r.requests }, 'campaign rooms missing in Redis');
  return r.jobs;
}

/**
 * `add-<ms>` / `remove-<ms>` from the scheduler's job id (`repeat:<scheduler>:<ms>`): the same for
 * every attempt of the job, so a retried run counts into its own record.
 */
export function runIdOf(job: Job, kind: CampaignRunKind): string {
  const millis = /:(\d+)$/.exec(job.id ?? '')?.[1] ?? String(job.timestamp);
  return `${kind}-${millis}`;
}

function skipped(log: Logger, reason: string): CampaignJobResult {
  log.info({ reason }, 'campaign run skipped');
  return { outcome: 'skipped', reason };
}
