import { hash } from 'node:crypto';
import type { SeedRequest } from '../domain/seed-request.js';
import type { RobotCommand } from '../domain/robot-command.js';
import { QUEUE_PRIORITY } from '../domain/priority.js';
import type { CampaignRunRef, SeedJobData } from './seed-job.js';

export interface PlannedJob {
  readonly jobId: string;
  readonly data: SeedJobData;
  /** The BullMQ priority of the request's own lane (an HTTP item's `priority`); absent: the input's. */
  readonly priority?: number;
}

/**
 * Turns one request into jobs of at most `maxRobotsPerCall` robots, one API call each.
 * The job id is a hash of command, room and robot set, so enqueueing the same input twice
 * while the first is pending adds nothing (BullMQ ignores an existing id).
 */
export function planJobs(
  command: RobotCommand,
  request: SeedRequest,
  maxRobotsPerCall: number,
  campaignRun?: CampaignRunRef,
): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  for (let start = 0; start < request.robots.length; start += maxRobotsPerCall) {
    const robots = request.robots.slice(start, start + maxRobotsPerCall);
    const data: SeedJobData = {
      command,
      groupId: request.groupId,
      robots,
      ...(request.app === undefined ? {} : { app: request.app }),
      ...(campaignRun === undefined ? {} : { campaignRun }),
    };
    const jobId = seedJobId(command, request.groupId, robots);
    jobs.push(request.priority === undefined ? { jobId, data } : { jobId, data, priority: QUEUE_PRIORITY[request.priority] });
  }
  return jobs;
}

/**
 * `add-<32 hex>`: BullMQ job ids must not be integers nor contain ':'. The SHA-256 of the
 * group id and the sorted robots, NUL-separated. One-shot `hash()`: a Hash object and two
 * updates per robot cost a tenth of enqueue's CPU.
 */
export function seedJobId(command: RobotCommand, groupId: string, robots: readonly string[]): string {
  const digest = hash('sha256', [groupId, ...[...robots].sort()].join('\0'));
  return `${command === 'add_robots' ? 'add' : 'del'}-${digest.slice(0, 32)}`;
}
