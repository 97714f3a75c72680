import type { Job, Queue } from 'bullmq';
import { bullmq } from '../commonjs/bullmq.js';
import type { RedisClient } from '../redis/redis-client.js';
import { DEAD_LETTER_QUEUE_NAME } from '../queue/queue-names.js';
import { parseSeedJobData, type SeedJobData } from '../queue/seed-job.js';
import { ignoreRelayedConnectionErrors, type SeedQueue } from '../queue/seed-queue.js';
import { deadLetterEntryOf, type DeadLetterEntry } from './dead-letter-entry.js';

/** Which entries an operation applies to: all, or those of one error code (`null`: failures without a code). */
export interface DeadLetterFilter {
  readonly errorCode?: number | null;
}

const PAGE = 500;
/** Entries read at once by `expire`, which usually stops at the first. */
const EXPIRE_PAGE = 100;

/**
 * The dead-letter queue: a BullMQ queue nobody works, one entry per failed seed job, keyed by
 * the seed job's id so that writing an entry twice (a crash and a retry of the write) keeps one.
 *
 * The invariant: a seed job is in the failed set exactly when it has an entry. The worker writes
 * the entry right after BullMQ fails the job; `reconcile()` repairs what a crash between the two
 * (or a job failed by the stalled checker) left behind.
 */
export class DeadLetterStore {
  readonly queue: Queue<DeadLetterEntry>;
  readonly #seed: SeedQueue;
  #reconciles = 0;

  constructor(redis: RedisClient, prefix: string, seed: SeedQueue) {
    this.queue = new bullmq.Queue<DeadLetterEntry>(DEAD_LETTER_QUEUE_NAME, { connection: redis, prefix });
    ignoreRelayedConnectionErrors(this.queue);
    this.#seed = seed;
  }

  /** Records the entry of a failed seed job; a no-op when it is already there. */
  async record(job: Job): Promise<DeadLetterEntry> {
    const entry = deadLetterEntryOf(job);
    await this.queue.add('dead-letter', entry, { jobId: entry.jobId, removeOnComplete: false, removeOnFail: false });
    return entry;
  }

  /**
   * Makes way for the same jobs enqueued again as new work: removes each failed seed job, then
   * its entry (in that order, as `replay`: a crash in between leaves a stale entry that
   * `reconcile()` removes). `jobIds` must be failed jobs (`supersedingSink` finds them).
   */
  async supersede(jobIds: readonly string[]): Promise<void> {
    await Promise.all(
      jobIds.map(async (id) => {
        await this.#seed.remove(id);
        await this.queue.remove(id);
      }),
    );
  }

  async count(): Promise<number> {
    return this.queue.getWaitingCount();
  }

  /** Every entry matching the filter, oldest first. */
  async list(filter: DeadLetterFilter = {}): Promise<DeadLetterEntry[]> {
    const out: DeadLetterEntry[] = [];
    for await (const job of this.#entries()) {
      if (matches(job.data, filter)) out.push(job.data);
    }
    return out;
  }

  /**
   * Sends matching entries back to work: the seed job loses its verdict and attempt count and is
   * retried, then the entry goes. In that order, so a crash in between leaves a job that runs
   * (and a stale entry `reconcile()` removes), never a failed job without an entry.
   */
  async replay(filter: DeadLetterFilter = {}): Promise<number> {
    let replayed = 0;
    for (const entry of await this.#matchingJobs(filter)) {
      const job = await this.#seed.getJob(entry.data.jobId);
      if (job !== undefined && (await job.isFailed())) {
        await job.updateData(withoutVerdict(parseSeedJobData(job.data)));
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      }
      await entry.remove();
      // The replayed job may have failed again already, its new entry refused as a duplicate of the one just removed.
      const again = await this.#seed.getJob(entry.data.jobId);
      if (again !== undefined && (await again.isFailed())) await this.record(again as Job);
      replayed += 1;
    }
    return replayed;
  }

  /** Deletes matching entries and their failed seed jobs (a job that is not failed, say replayed, is left alone). */
  async purge(filter: DeadLetterFilter = {}): Promise<number> {
    let purged = 0;
    for (const entry of await this.#matchingJobs(filter)) {
      if ((await this.#seed.getJobState(entry.data.jobId)) === 'failed') await this.#seed.remove(entry.data.jobId);
      await entry.remove();
      purged += 1;
    }
    return purged;
  }

  /**
   * Restores the invariant after crashes: an entry for each failed seed job that lacks one, and
   * no entry for a job that is not failed. Cheap when the counts agree, except every tenth call,
   * which checks everything (a missing and a stale entry cancel out in the counts).
   */
  async reconcile(onAdded?: (entry: DeadLetterEntry) => void): Promise<{ added: number; removed: number }> {
    const [failed, entries] = await Promise.all([this.#seed.getFailedCount(), this.count()]);
    this.#reconciles += 1;
    if (failed === entries && this.#reconciles % 10 !== 1) return { added: 0, removed: 0 };
    let added = 0;
    for (let start = 0; start < failed; start += PAGE) {
      const jobs = await this.#seed.getJobs(['failed'], start, start + PAGE - 1, true);
      for (const job of jobs) {
        if (job.id === undefined || (await this.queue.getJobState(job.id)) !== 'unknown') continue;
        // Not `onAdded?.(await this.record(...))`: without a callback, optional chaining skips the argument too.
        const entry = await this.record(job as Job);
        onAdded?.(entry);
        added += 1;
      }
    }
    let removed = 0;
    for (const entry of await this.#matchingJobs({})) {
      const state = await this.#seed.getJobState(entry.data.jobId);
      if (state !== 'failed') {
        await entry.remove();
        removed += 1;
      }
    }
    return { added, removed };
  }

  /**
   * Removes the entries that failed before `cutoff`, each failed seed job first, then its entry
   * (as `purge`). Entries are read oldest first and the scan stops at the first younger one, so
   * a call costs one small read when nothing is due; an entry written out of order (by
   * `reconcile`) goes once those before it have.
   */
  async expire(cutoff: Date): Promise<number> {
    let removed = 0;
    for (;;) {
      const page = await this.queue.getJobs(['waiting'], 0, EXPIRE_PAGE - 1, true);
      for (const entry of page) {
        if (!(Date.parse(entry.data.failedAt) < cutoff.getTime())) return removed;
        if ((await this.#seed.getJobState(entry.data.jobId)) === 'failed') await this.#seed.remove(entry.data.jobId);
        await entry.remove();
        removed += 1;
      }
      if (page.length < EXPIRE_PAGE) return removed;
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }

  async #matchingJobs(filter: DeadLetterFilter): Promise<Job<DeadLetterEntry>[]> {
    const out: Job<DeadLetterEntry>[] = [];
    for await (const job of this.#entries()) if (matches(job.data, filter)) out.push(job);
    return out;
  }

  async *#entries(): AsyncGenerator<Job<DeadLetterEntry>> {
    const total = await this.count();
    for (let start = 0; start < total; start += PAGE) {
      yield* await this.queue.getJobs(['waiting'], start, start + PAGE - 1, true);
    }
  }
}

function matches(entry: DeadLetterEntry, filter: DeadLetterFilter): boolean {
  return filter.errorCode === undefined || entry.errorCode === filter.errorCode;
}

/** The job as it was before its final answer: a replay calls again. */
function withoutVerdict(data: SeedJobData): SeedJobData {
  const copy = { ...data };
  delete copy.verdict;
  return copy;
}
