import { reportsApps } from '../config/app-config.js';
import type { SeederConfig } from '../config/seeder-config.js';
import { sumQueueStatus, type FleetQueueStatus, type QueueStatus } from '../queue/queue-status.js';
import { readAppsStatus, type QueueRuntime } from './queue-runtime.js';

/**
 * What `status --json` and GET /v1/status answer: the totals of the apps, and with APPS_FILE each
 * app's own figures under `apps`. Without APPS_FILE, exactly the five integers of before apps existed.
 */
export type StatusReport = QueueStatus & Partial<Pick<FleetQueueStatus, 'apps'>>;

export async function readStatusReport(config: SeederConfig, queues: readonly QueueRuntime[]): Promise<StatusReport> {
  if (reportsApps(config)) return readAppsStatus(queues);
  return sumQueueStatus(await Promise.all(queues.map((q) => q.status())));
}
