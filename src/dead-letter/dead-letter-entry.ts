import type { Job } from 'bullmq';
import type { RobotCommand } from '../domain/robot-command.js';
import { parseSeedJobData, type SeedJobData } from '../queue/seed-job.js';

/** What an operator sees of a job that can no longer succeed. */
export interface DeadLetterEntry {
  /** The id of the seed job, which stays in the seed queue's failed set until replayed or purged. */
  readonly jobId: string;
  readonly command: RobotCommand;
  readonly groupId: string;
  readonly robots: readonly string[];
  /** Tencent's ErrorCode, or null for a failure with none (HTTP status, network, stalled worker). */
  readonly errorCode: number | null;
  readonly errorInfo: string;
  /** Attempts used, as BullMQ counts them. */
  readonly attempts: number;
  /** ISO 8601 time of the failure. */
  readonly failedAt: string;
}

/**
 * Builds the entry from the failed seed job: its verdict if it got one, else BullMQ's failure
 * reason. Never throws: a job whose data cannot be read (written by another version) still gets
 * an entry saying so, so one bad job cannot stop the bookkeeping of the others.
 */
export function deadLetterEntryOf(job: Job): DeadLetterEntry {
  const failedReason = job.failedReason || 'failed without a reason';
  let data: SeedJobData;
  try {
    data = parseSeedJobData(job.data);
  } catch (err) {
    const raw = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as Record<string, unknown>;
    data = {
      command: 'add_robots',
      groupId: typeof raw['groupId'] === 'string' ? raw['groupId'] : '(unreadable)',
      robots: [],
      verdict: { errorCode: null, errorInfo: `${err instanceof Error ? err.message : String(err)}; ${failedReason}` },
    };
  }
  return {
    jobId: job.id ?? '(no id)',
    command: data.command,
    groupId: data.groupId,
    robots: data.robots,
    errorCode: data.verdict?.errorCode ?? null,
    errorInfo: data.verdict?.errorInfo ?? failedReason,
    attempts: job.attemptsMade,
    failedAt: new Date(job.finishedOn ?? Date.now()).toISOString(),
  };
}
