import type { JobsOptions } from 'bullmq';
import type { SeedRequest } from '../domain/seed-request.js';
import type { RobotCommand } from '../domain/robot-command.js';
import { planJobs, type PlannedJob } from './plan-jobs.js';
import { SEED_JOB_NAME, type CampaignRunRef } from './seed-job.js';
import type { SeedQueue } from './seed-queue.js';

export interface EnqueueOptions {
  readonly command: RobotCommand;
  readonly maxRobotsPerCall: number;
  readonly jobOptions: JobsOptions;
  /** Set when a campaign run enqueues: its jobs count in that run's report. */
  readonly campaignRun?: CampaignRunRef;
  /** Jobs per `addBulk` round trip, default 1000. */
  readonly chunkSize?: number;
  /** Called after each chunk is in Redis, with the running totals. */
  readonly onProgress?: (progress: EnqueueProgress) => void;
}

export interface EnqueueProgress {
  /** Requests (input lines) whose jobs are all in Redis. */
  readonly requests: number;
  /** Jobs written (a request of more robots than one call takes becomes several). */
  readonly jobs: number;
}

/**
 * Streams requests into the seed queue in `addBulk` chunks. A request's jobs go in one chunk
 * when they fit, so "requests done" in the progress always means fully enqueued.
 */
export async function enqueueRequests(
  queue: SeedQueue,
  requests: AsyncIterable<SeedRequest> | Iterable<SeedRequest>,
  o: EnqueueOptions,
): Promise<EnqueueProgress> {
  const chunkSize = o.chunkSize ?? 1000;
  let jobsDone = 0;
  let pending: PlannedJob[] = [];
  let pendingRequests = 0;
  let requestsDone = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    await queue.addBulk(pending.map((j) => ({ name: SEED_JOB_NAME, data: j.data, opts: { ...o.jobOptions, jobId: j.jobId } })));
    jobsDone += pending.length;
    requestsDone += pendingRequests;
    pending = [];
    pendingRequests = 0;
    o.onProgress?.({ requests: requestsDone, jobs: jobsDone });
  };
  for await (const request of requests) {
    const jobs = planJobs(o.command, request, o.maxRobotsPerCall, o.campaignRun);
    if (pending.length + jobs.length > chunkSize) await flush();
    pending.push(...jobs);
    pendingRequests += 1;
  }
  await flush();
  return { requests: requestsDone, jobs: jobsDone };
}
