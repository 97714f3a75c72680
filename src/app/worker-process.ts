import { campaignAccounting } from '../campaign/runs/campaign-accounting.js';
import { startCampaignWorker } from '../campaign/runs/campaign-worker.js';
import { endedCampaignGuard } from '../campaign/runs/ended-campaign-guard.js';
import { combineWorkerEvents } from './combine-worker-events.js';
import type { AppConfig } from '../config/seeder-config.js';
import type { SeederConfig } from '../config/seeder-config.js';
import type { Logger } from '../log/logger.js';
import type { CallObserver } from '../tencent/call-outcome.js';
import { openFleetQueues, type QueueRuntime } from './queue-runtime.js';
import type { SeedWorkerEvents } from '../worker/seed-worker.js';
import { startWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from './worker-runtime.js';

/** Everything a long-running worker process does, for each app: seed jobs, campaign runs, and their accounting. */
export interface WorkerProcess {
  /** One per app served, in the order of the apps configured. */
  readonly runtimes: readonly WorkerRuntime[];
  /** Stops firing campaign runs, drains the seed workers (`force`: abandons their jobs), flushes the run counts. */
  close(force?: boolean): Promise<void>;
}

export interface WorkerProcessOptions extends Omit<WorkerRuntimeOptions, 'skip' | 'observers' | 'events'> {
  /**
   * Also fire campaign runs (default true). `run` says false: it works off what is queued and
   * ends, and must not start a campaign's next run meanwhile.
   */
  readonly campaignRuns?: boolean;
  /** See every call each app's runtime sent (e.g. to feed metrics, labelled by app). */
  readonly observers?: (app: AppConfig) => readonly CallObserver[];
  /** What each app's seed worker reports (e.g. retries, counted by app). */
  readonly events?: (app: AppConfig) => SeedWorkerEvents;
}

/**
 * Used by `worker`, `serve --with-workers` and `run`, so all run exactly the same worker: for each
 * app, seed jobs with their campaigns' accounting, and never the adds of a campaign that has ended.
 * Each app has its own runtime (queue, limiter at its rate, breaker, account pause, UserSig), so one
 * app's backlog, outage or refusals never hold another's calls.
 */
export async function startWorkerProcess(queues: readonly QueueRuntime[], o: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const started: { runtime: WorkerRuntime; close(force: boolean): Promise<void> }[] = [];
  const close = async (force: boolean): Promise<void> => {
    await Promise.all(started.map((s) => s.close(force)));
  };
  try {
    for (const q of queues) started.push(await startApp(q, o));
  } catch (err) {
    await close(true);
    throw err;
  }
  return { runtimes: started.map((s) => s.runtime), close: (force = false) => close(force) };
}

async function startApp(
  q: QueueRuntime,
  o: WorkerProcessOptions,
): Promise<{ runtime: WorkerRuntime; close(force: boolean): Promise<void> }> {
  const { campaignRuns = true, observers, events, ...runtimeOptions } = o;
  const accounting = campaignAccounting(q);
  const runtime = await startWorkerRuntime(q, {
    ...runtimeOptions,
    events: combineWorkerEvents(events?.(q.app) ?? {}, accounting),
    skip: endedCampaignGuard(q),
    ...(observers === undefined ? {} : { observers: observers(q.app) }),
  });
  const campaigns = campaignRuns ? await startCampaignWorker(q) : null;
  return {
    runtime,
    async close(force) {
      await campaigns?.close();
      await runtime.close(force);
      await accounting.flush();
    },
  };
}

/**
 * A worker process for every app on a `worker` connection of its own (its commands wait out a
 * Redis restart), closed after the workers: `worker` and `serve --with-workers`. `run` shares its
 * connection with its enqueue and status reads, so it starts the worker process on it (startWorkerProcess).
 */
export async function openWorkerProcess(config: SeederConfig, logger: Logger, o: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const fleet = await openFleetQueues(config, logger, 'worker');
  let w: WorkerProcess;
  try {
    w = await startWorkerProcess(fleet.apps, o);
  } catch (err) {
    await fleet.close();
    throw err;
  }
  return {
    runtimes: w.runtimes,
    async close(force = false) {
      try {
        await w.close(force);
      } finally {
        await fleet.close();
      }
    },
  };
}
