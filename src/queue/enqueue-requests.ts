import type { SeedRequest } from '../domain/seed-request.js';
import type { RobotCommand } from '../domain/robot-command.js';
import { planJobs, type PlannedJob } from './plan-jobs.js';
import type { CampaignRunRef } from './seed-job.js';
import { writeJobs, type EnqueueProgress, type JobSink, type WriteJobsOptions } from './write-jobs.js';

export interface EnqueueOptions extends WriteJobsOptions {
  readonly command: RobotCommand;
  readonly maxRobotsPerCall: number;
  /** Set when a campaign run enqueues: its jobs count in that run's report. */
  readonly campaignRun?: CampaignRunRef;
}

/**
 * Plans requests into jobs and streams them into the seed queue (`writeJobs`, through QueueRuntime's `jobs`), for input that
 * is already valid: campaign runs (rooms stored in Redis), callbacks, the HTTP API.
 */
export function enqueueRequests(
  sink: JobSink,
  requests: AsyncIterable<SeedRequest> | Iterable<SeedRequest>,
  o: EnqueueOptions,
): Promise<EnqueueProgress> {
  return writeJobs(sink, planned(requests, o), o);
}

async function* planned(requests: AsyncIterable<SeedRequest> | Iterable<SeedRequest>, o: EnqueueOptions): AsyncGenerator<PlannedJob[][]> {
  for await (const request of requests) yield [planJobs(o.command, request, o.maxRobotsPerCall, o.campaignRun)];
}
