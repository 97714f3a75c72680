import { hash } from 'node:crypto';
import type { SeedRequest } from '../domain/seed-request.js';
import type { RobotCommand } from '../domain/robot-command.js';
import type { CampaignRunRef, SeedJobData } from './seed-job.js';

export interface PlannedJob {
  readonly jobId: string;
  readonly data: SeedJobData;
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
    const data: SeedJobData = { command, groupId: request.groupId, robots, ...(campaignRun === undefined ? {} : { campaignRun }) };
    jobs.push({ jobId: seedJobId(command, request.groupId, robots), data });
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
