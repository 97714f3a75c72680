import type { RobotCommand } from '../domain/robot-command.js';
import { ROBOT_COMMANDS } from '../domain/robot-command.js';

/** The final answer a job got; once set, a re-run of the job (after a crash) never calls again. */
export interface JobVerdict {
  readonly errorCode: number | null;
  readonly errorInfo: string;
}

/** Which campaign run enqueued a job, so its outcome counts in that run's report. */
export interface CampaignRunRef {
  readonly campaign: string;
  readonly runId: string;
}

/** What a seed job carries in Redis. One job is one API call, unless Tencent refuses the batch size (10005). */
export interface SeedJobData {
  readonly command: RobotCommand;
  readonly groupId: string;
  readonly robots: readonly string[];
  /** Set after a 10005 answer: call in batches of at most this many robots. */
  readonly batchSize?: number;
  /** How many robots (from the start of `robots`) earlier batches of this job already set. */
  readonly doneCount?: number;
  /** Set when the job got a final, permanent answer. */
  readonly verdict?: JobVerdict;
  /** When Tencent first refused the job for rate (ms since the epoch): it gives up after SLOW_DOWN_GIVE_UP_MS. */
  readonly refusedSince?: number;
  /** Set when a campaign run enqueued the job. */
  readonly campaignRun?: CampaignRunRef;
  /** The app the input named for the room (each app has its own queue: this routes the job to it). */
  readonly app?: string;
}

export const SEED_JOB_NAME = 'seed';

/** Reads job data back from Redis, where anything could have been written by another version. */
export function parseSeedJobData(value: unknown): SeedJobData {
  if (typeof value !== 'object' || value === null) throw new TypeError('job data is not an object');
  const d = value as Record<string, unknown>;
  const command = ROBOT_COMMANDS.find((c) => c === d['command']);
  if (command === undefined) throw new TypeError(`job data: unknown command ${JSON.stringify(d['command'])}`);
  if (typeof d['groupId'] !== 'string') throw new TypeError('job data: groupId is not a string');
  const robots = d['robots'];
  if (!Array.isArray(robots) || !robots.every((r): r is string => typeof r === 'string')) {
    throw new TypeError('job data: robots is not an array of strings');
  }
  // Built field by field, not by spreads of optional parts: this runs for every job a worker takes.
  const data: { -readonly [K in keyof SeedJobData]: SeedJobData[K] } = { command, groupId: d['groupId'], robots };
  if (typeof d['batchSize'] === 'number') data.batchSize = d['batchSize'];
  if (typeof d['doneCount'] === 'number') data.doneCount = d['doneCount'];
  if (isVerdict(d['verdict'])) data.verdict = d['verdict'];
  if (typeof d['refusedSince'] === 'number') data.refusedSince = d['refusedSince'];
  if (isCampaignRun(d['campaignRun'])) data.campaignRun = d['campaignRun'];
  if (typeof d['app'] === 'string') data.app = d['app'];
  return data;
}

function isVerdict(v: unknown): v is JobVerdict {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (o['errorCode'] === null || typeof o['errorCode'] === 'number') && typeof o['errorInfo'] === 'string';
}

function isCampaignRun(v: unknown): v is CampaignRunRef {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o['campaign'] === 'string' && typeof o['runId'] === 'string';
}
