import { campaignAccounting } from '../campaign/campaign-accounting.js';
import { startCampaignWorker } from '../campaign/campaign-worker.js';
import { endedCampaignGuard } from '../campaign/ended-campaign-guard.js';
import { combineWorkerEvents } from './combine-worker-events.js';
import type { QueueRuntime } from './queue-runtime.js';
import { startWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from './worker-runtime.js';

/** Everything a long-running worker process does: seed jobs, campaign runs, and their accounting. */
export interface WorkerProcess {
  readonly runtime: WorkerRuntime;
  /** Stops firing campaign runs, drains the seed worker (`force`: abandons its jobs), flushes the run counts. */
  close(force?: boolean): Promise<void>;
}

/** Used by `worker` and `serve --with-workers`, so both run exactly the same worker. */
export async function startWorkerProcess(q: QueueRuntime, o: WorkerRuntimeOptions = {}): Promise<WorkerProcess> {
  const accounting = campaignAccounting(q);
  const runtime = await startWorkerRuntime(q, { ...o, events: combineWorkerEvents(o.events ?? {}, accounting), skip: endedCampaignGuard(q) });
  const campaigns = await startCampaignWorker(q);
  return {
    runtime,
    async close(force = false) {
      await campaigns.close();
      await runtime.close(force);
      await accounting.flush();
    },
  };
}
