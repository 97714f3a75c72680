import type { QueueStatus } from './queue-status.js';
import type { SeedQueue } from './seed-queue.js';

/** One app's figures, read from its seed queue and its dead letters' count. */
export async function readQueueStatus(seed: SeedQueue, deadLetterCount: () => Promise<number>): Promise<QueueStatus> {
  const [counts, metrics, deadLetter] = await Promise.all([
    seed.getJobCounts('wait', 'prioritized', 'active', 'delayed'),
    seed.getMetrics('completed', 0, 0),
    deadLetterCount(),
  ]);
  const n = (k: string): number => counts[k] ?? 0;
  return {
    waiting: n('wait') + n('prioritized'),
    active: n('active'),
    delayed: n('delayed'),
    completed: metrics.meta.count,
    deadLetter,
  };
}
