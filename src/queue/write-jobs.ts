import type { JobsOptions } from 'bullmq';
import type { PlannedJob } from './plan-jobs.js';
import { SEED_JOB_NAME } from './seed-job.js';
import type { SeedQueue } from './seed-queue.js';

export const NOTHING_WRITTEN: EnqueueProgress = { requests: 0, jobs: 0, added: 0, superseded: 0 };

/** Jobs per `addBulk` call: BullMQ's own examples use 1,000. */
export const DEFAULT_CHUNK_JOBS = 1000;
/**
 * `addBulk` calls in flight at once. Each call is two round trips one after the other (which of
 * its jobs are already queued or dead-lettered, then the jobs), so one at a time leaves Redis and
 * this process waiting on each other. Four hid most of that wait (100,000 lines: 4.4 s against
 * 5.5 s with two); eight saved little more and held 30 MB more of chunks in flight
 * (BENCHMARKS.md, "Enqueue").
 */
export const DEFAULT_WRITE_DEPTH = 4;

export interface WriteJobsOptions {
  readonly jobOptions: JobsOptions;
  /**
   * Jobs per `addBulk` call, default 1000. The jobs of one request never straddle two calls,
   * so a call carries more only when one request alone has more jobs.
   */
  readonly chunkSize?: number;
  /** `addBulk` calls in flight at once, default DEFAULT_WRITE_DEPTH. */
  readonly depth?: number;
  /** Called after each call Redis acknowledged, with the running totals. */
  readonly onProgress?: (progress: EnqueueProgress) => void;
  /** Stops sending: the calls in flight are awaited, then the signal's reason is thrown. */
  readonly signal?: AbortSignal;
}

/** What is certainly in Redis: only acknowledged `addBulk` calls count. */
export interface EnqueueProgress {
  /** Requests (input lines) whose jobs were all acknowledged. */
  readonly requests: number;
  /** Jobs acknowledged (a request of more robots than one call takes is several jobs). */
  readonly jobs: number;
  /** Of those, jobs that were new work; the others were already waiting or running, and stay as they were. */
  readonly added: number;
  /** Of the added, jobs whose earlier run had been dead-lettered: that dead letter is gone. */
  readonly superseded: number;
}

export type BulkJob = Parameters<SeedQueue['addBulk']>[0][number];

/** What one write did: see EnqueueProgress. */
export interface SinkReport {
  readonly added: number;
  readonly superseded: number;
}

/** Where jobs go: the seed queue, superseding dead letters (`supersedingSink`); tests give a stand-in. */
export interface JobSink {
  addBulk(jobs: BulkJob[]): Promise<SinkReport>;
}

interface Chunk {
  readonly jobs: BulkJob[];
  requests: number;
}

/**
 * Writes the jobs of each request to the seed queue with BullMQ's `addBulk`, several calls in
 * flight at once. `batches` gives the requests (each the jobs it was planned into) in input
 * order, some at a time: a step of an async iteration per request would cost more than the
 * request's own work. When a call fails, no further call is started,
 * the ones in flight are awaited, and the first error is thrown: by then `onProgress` has
 * reported every acknowledged call and nothing else, so a caller can say truthfully how far it
 * got. Job ids are deterministic, so writing the same requests again adds nothing twice.
 */
export async function writeJobs(
  queue: JobSink,
  batches: AsyncIterable<ReadonlyArray<readonly PlannedJob[]>> | Iterable<ReadonlyArray<readonly PlannedJob[]>>,
  o: WriteJobsOptions,
): Promise<EnqueueProgress> {
  const chunkSize = o.chunkSize ?? DEFAULT_CHUNK_JOBS;
  const depth = o.depth ?? DEFAULT_WRITE_DEPTH;
  const inFlight = new Set<Promise<void>>();
  let done: EnqueueProgress = NOTHING_WRITTEN;
  let failure: { readonly err: unknown } | undefined;
  const stopped = (): boolean => failure !== undefined || o.signal?.aborted === true;

  // Only counts outlive the call here: a chunk's jobs are BullMQ's until it answers.
  const send = ({ jobs, requests }: Chunk): void => {
    const call = queue
      .addBulk(jobs)
      .then(
        (r) => {
          done = {
            requests: done.requests + requests,
            jobs: done.jobs + jobs.length,
            added: done.added + r.added,
            superseded: done.superseded + r.superseded,
          };
          o.onProgress?.(done);
        },
        (err: unknown) => {
          failure ??= { err };
        },
      )
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
  };

  let chunk: Chunk = { jobs: [], requests: 0 };
  try {
    for await (const requests of batches) {
      for (const jobs of requests) {
        if (stopped()) break;
        if (chunk.jobs.length > 0 && chunk.jobs.length + jobs.length > chunkSize) {
          send(chunk);
          chunk = { jobs: [], requests: 0 };
          while (inFlight.size >= depth) await Promise.race(inFlight);
        }
        for (const job of jobs) {
          const opts =
            job.priority === undefined
              ? { ...o.jobOptions, jobId: job.jobId }
              : { ...o.jobOptions, jobId: job.jobId, priority: job.priority };
          chunk.jobs.push({ name: SEED_JOB_NAME, data: job.data, opts });
        }
        chunk.requests += 1;
      }
      if (stopped()) break;
    }
    if (!stopped() && chunk.jobs.length > 0) send(chunk);
  } finally {
    // Also when reading `requests` failed: the progress is final only once nothing is in flight.
    await Promise.all(inFlight);
  }
  if (failure !== undefined) throw failure.err;
  o.signal?.throwIfAborted();
  return done;
}
