import { reportsApps } from '../config/app-config.js';
import type { SeederConfig } from '../config/seeder-config.js';
import type { StatusReport } from '../queue/queue-status.js';
import { readAppsStatus, readQueuesTotal, type QueueRuntime } from './queue-runtime.js';

/** The StatusReport of these apps' queues: `status --json`'s, GET /v1/status's and the producer library's. */
export async function readStatusReport(config: SeederConfig, queues: readonly QueueRuntime[]): Promise<StatusReport> {
  if (reportsApps(config)) return readAppsStatus(queues);
  return readQueuesTotal(queues);
}
