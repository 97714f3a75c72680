import { reportsApps } from '../config/app-config.js';
import type { SeederConfig } from '../config/seeder-config.js';
import { sumQueueStatus, type StatusReport } from '../queue/queue-status.js';
import { readAppsStatus, type QueueRuntime } from './queue-runtime.js';

/** The StatusReport of these apps' queues: `status --json`'s, GET /v1/status's and the producer library's. */
export async function readStatusReport(config: SeederConfig, queues: readonly QueueRuntime[]): Promise<StatusReport> {
  if (reportsApps(config)) return readAppsStatus(queues);
  return sumQueueStatus(await Promise.all(queues.map((q) => q.status())));
}
