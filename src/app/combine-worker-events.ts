import type { SeedWorkerEvents } from '../worker/seed-worker.js';

/**
 * One SeedWorkerEvents that calls each listener in turn, so that a command's own counting,
 * campaign accounting and metrics can all watch one worker. `Required` makes a new event in
 * SeedWorkerEvents a compile error here rather than a listener silently left out.
 */
export function combineWorkerEvents(...listeners: readonly SeedWorkerEvents[]): Required<SeedWorkerEvents> {
  return {
    onCompleted: (job, result) => {
      for (const l of listeners) l.onCompleted?.(job, result);
    },
    onDeadLettered: (entry) => {
      for (const l of listeners) l.onDeadLettered?.(entry);
    },
    onRetry: (job, err) => {
      for (const l of listeners) l.onRetry?.(job, err);
    },
  };
}
