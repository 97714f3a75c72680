import { campaignAccounting } from '../campaign/runs/campaign-accounting.js';
import { startCampaignWorker } from '../campaign/runs/campaign-worker.js';
import { endedCampaignGuard } from '../campaign/runs/ended-campaign-guard.js';
import { combineWorkerEvents } from './combine-worker-events.js';
import type { SeederConfig } from '../config/seeder-config.js';
import type { Logger } from '../log/logger.js';
import { openQueueRuntime, type QueueRuntime } from './queue-runtime.js';
import { startWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from './worker-runtime.js';

/** Everything a long-running worker process does: seed jobs, campaign runs, and their accounting. */
export interface WorkerProcess {
  readonly runtime: WorkerRuntime;
  /** Stops firing campaign runs, drains the seed worker (`force`: abandons its jobs), flushes the run counts. */
  close(force?: boolean): Promise<void>;
}

export interface WorkerProcessOptions extends Omit<WorkerRuntimeOptions, 'skip'> {
  /**
   * Also fire campaign runs (default true). `run` says false: it works off what is queued and
   * ends, and must not start a campaign's next run meanwhile.
   */
  readonly campaignRuns?: boolean;
}

/**
 * Used by `worker`, `serve --with-workers` and `run`, so all run exactly the same worker: seed
 * jobs with their campaigns' accounting, and never the adds of a campaign that has ended.
 */
export async function startWorkerProcess(q: QueueRuntime, o: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const { campaignRuns = true, ...runtimeOptions } = o;
  const accounting = campaignAccounting(q);
  const runtime = await startWorkerRuntime(q, {
    ...runtimeOptions,
    events: combineWorkerEvents(o.events ?? {}, accounting),
    skip: endedCampaignGuard(q),
  });
  const campaigns = campaignRuns ? await startCampaignWorker(q) : null;
  return {
    runtime,
    async close(force = false) {
      await campaigns?.close();
      await runtime.close(force);
      await accounting.flush();
    },
  };
}

/**
 * A worker process on a `worker` connection of its own (its commands wait out a Redis restart),
 * closed after the worker: `worker` and `serve --with-workers`. `run` shares its connection with
 * its enqueue and status reads, so it starts the worker process on it (startWorkerProcess).
 */
export async function openWorkerProcess(config: SeederConfig, logger: Logger, o: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const q = await openQueueRuntime(config, logger, 'worker');
  let w: WorkerProcess;
  try {
    w = await startWorkerProcess(q, o);
  } catch (err) {
    await q.close();
    throw err;
  }
  return {
    runtime: w.runtime,
    async close(force = false) {
      try {
        await w.close(force);
      } finally {
        await q.close();
      }
    },
  };
}
