import type { Job, Worker } from 'bullmq';
import { bullmq } from '../commonjs/bullmq.js';
import type { RedisClient } from '../redis/redis-client.js';
import type { Logger } from '../log/logger.js';
import type { DeadLetterStore } from '../dead-letter/dead-letter-store.js';
import type { DeadLetterEntry } from '../dead-letter/dead-letter-entry.js';
import { SEED_QUEUE_NAME } from '../queue/queue-names.js';
import type { SeedResult } from './seed-processor.js';

export interface SeedWorkerOptions {
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly concurrency: number;
  readonly processor: (job: Job, token?: string) => Promise<SeedResult>;
  readonly deadLetters: DeadLetterStore;
  readonly logger: Logger;
  /** DEAD_LETTER_RETENTION_DAYS: dead letters older are removed at each reconcile; 0 keeps them all. */
  readonly deadLetterRetentionDays: number;
}

/**
 * How long a job's lock lasts without renewal. A killed worker's jobs are taken up by others
 * after at most LOCK_DURATION_MS + 2 × STALLED_INTERVAL_MS (BullMQ may skip one check); shorter
 * values recover faster but risk a busy event loop losing its locks (the job then runs twice,
 * which add_robots tolerates).
 */
const LOCK_DURATION_MS = 6_000;
/** How often each worker looks for stalled jobs. */
const STALLED_INTERVAL_MS = 3_000;
/** How often dead letters are reconciled with failed jobs. */
const RECONCILE_INTERVAL_MS = 30_000;

export interface SeedWorkerEvents {
  onCompleted?(job: Job, result: SeedResult): void;
  onDeadLettered?(entry: DeadLetterEntry): void;
  onRetry?(job: Job, err: Error): void;
}

export interface SeedWorker {
  readonly worker: Worker;
  /** Stops taking jobs and waits for the ones in hand; `force` abandons them (they stall and are retried elsewhere). */
  close(force?: boolean): Promise<void>;
}

/** Keeps a week of per-minute points; `meta.count` is the all-time completed count `status` reports. */
const METRICS_POINTS = bullmq.MetricsTime.ONE_WEEK;

const DAY_MS = 86_400_000;

export async function startSeedWorker(o: SeedWorkerOptions, events: SeedWorkerEvents = {}): Promise<SeedWorker> {
  const log = o.logger;
  const worker = new bullmq.Worker(SEED_QUEUE_NAME, o.processor, {
    connection: o.redis,
    prefix: o.prefix,
    concurrency: o.concurrency,
    lockDuration: LOCK_DURATION_MS,
    stalledInterval: STALLED_INTERVAL_MS,
    // A job whose worker died is put back more than once before it counts as failed:
    // add_robots is idempotent, and a crash is no reason to give up on a room.
    maxStalledCount: 5,
    metrics: { maxDataPoints: METRICS_POINTS },
  });
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  // A job whose worker died (or stalled past its lock): put back in the queue for another worker.
  worker.on('stalled', (jobId) => log.warn({ jobId }, 'job stalled: its worker stopped renewing the lock; back in the queue'));
  worker.on('completed', (job, result: SeedResult) => events.onCompleted?.(job, result));
  // Failure handling runs after BullMQ has moved the job; close() waits for it so no entry is left unwritten.
  const handling = new Set<Promise<void>>();
  worker.on('failed', (job, err) => {
    if (job === undefined) return;
    const p = onFailed(job, err)
      .catch((e: unknown) => log.error({ err: e, jobId: job.id }, 'could not write the dead-letter entry; reconcile will'))
      .finally(() => handling.delete(p));
    handling.add(p);
  });

  async function onFailed(job: Job, err: Error): Promise<void> {
    if ((await job.getState()) !== 'failed') {
      log.debug({ jobId: job.id, attemptsMade: job.attemptsMade, reason: err.message }, 'call failed; will retry');
      events.onRetry?.(job, err);
      return;
    }
    const entry = await o.deadLetters.record(job);
    log.warn({ jobId: job.id, groupId: entry.groupId, errorCode: entry.errorCode, attempts: entry.attempts }, 'dead-lettered');
    events.onDeadLettered?.(entry);
  }

  const reconcile = async (): Promise<void> => {
    try {
      // Entries written here (their worker died before writing them) still count in reports.
      const r = await o.deadLetters.reconcile((entry) => events.onDeadLettered?.(entry));
      if (r.added + r.removed > 0) log.warn(r, 'dead letters reconciled with failed jobs');
      if (o.deadLetterRetentionDays > 0) {
        const expired = await o.deadLetters.expire(new Date(Date.now() - o.deadLetterRetentionDays * DAY_MS));
        if (expired > 0)
          log.info({ removed: expired, retentionDays: o.deadLetterRetentionDays }, 'dead letters past DEAD_LETTER_RETENTION_DAYS removed');
      }
    } catch (err) {
      log.error({ err }, 'dead-letter reconcile failed');
    }
  };
  await worker.waitUntilReady();
  await reconcile();
  const timer = setInterval(() => void reconcile(), RECONCILE_INTERVAL_MS);
  timer.unref();

  return {
    worker,
    async close(force = false) {
      clearInterval(timer);
      await worker.close(force);
      await Promise.all(handling);
    },
  };
}
