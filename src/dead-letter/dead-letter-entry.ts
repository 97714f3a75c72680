import type { Job } from 'bullmq';
import type { RobotCommand } from '../domain/robot-command.js';
import { parseSeedJobData } from '../queue/seed-job.js';

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

/** Builds the entry from the failed seed job: its verdict if it got one, else BullMQ's failure reason. */
export function deadLetterEntryOf(job: Job): DeadLetterEntry {
  const data = parseSeedJobData(job.data);
  const id = job.id ?? '(no id)';
  return {
    jobId: id,
    command: data.command,
    groupId: data.groupId,
    robots: data.robots,
    errorCode: data.verdict?.errorCode ?? null,
    errorInfo: data.verdict?.errorInfo ?? (job.failedReason || 'failed without a reason'),
    attempts: job.attemptsMade,
    failedAt: new Date(job.finishedOn ?? Date.now()).toISOString(),
  };
}
