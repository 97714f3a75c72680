import type { BulkJob, JobSink, SinkReport } from '../queue/write-jobs.js';
import type { FleetQueues, QueueRuntime } from './queue-runtime.js';

/** Where input whose items may name their app goes, and what an item's `app` may and must be. */
export interface AppRouting {
  readonly jobs: JobSink;
  /** The names an item's `app` may give: the apps configured. */
  readonly apps: readonly string[];
  /** Whether every item must name its app: several apps, and no default. */
  readonly appRequired: boolean;
}

/**
 * The routing of `enqueue`, the HTTP API and the producer library: items that name no app go to
 * app `defaultApp` (`--app`; an unknown name is refused now, before any input is read), or to the
 * one app configured; with several apps and no default, each item names its own.
 */
export function appRouting(fleet: FleetQueues, defaultApp: string | undefined): AppRouting {
  const fallback = defaultApp !== undefined || fleet.apps.length === 1 ? fleet.app(defaultApp) : null;
  return { jobs: routeJobsByApp(fleet.apps, fallback), apps: fleet.config.apps.map((a) => a.name), appRequired: fallback === null };
}

/**
 * Where the jobs of an input naming several apps go: each to its app's queue (the `app` its line
 * or item named, else `fallback`'s), one write per app in each chunk. With one app it is that
 * app's own sink, with nothing in between.
 */
export function routeJobsByApp(queues: readonly QueueRuntime[], fallback: QueueRuntime | null): JobSink {
  if (queues.length === 1 && fallback !== null) return fallback.jobs;
  const byName = new Map(queues.map((q) => [q.app.name, q]));
  return {
    async addBulk(jobs) {
      const groups = new Map<QueueRuntime, BulkJob[]>();
      for (const job of jobs) {
        const name = job.data.app;
        const q = name === undefined ? fallback : byName.get(name);
        // Input is checked against the apps configured before it is planned: this is a bug, not bad input.
        if (q === undefined || q === null)
          throw new Error(`job ${job.opts?.jobId ?? '?'} names app ${JSON.stringify(name)}, which is not configured`);
        const group = groups.get(q);
        if (group === undefined) groups.set(q, [job]);
        else group.push(job);
      }
      const reports = await Promise.all([...groups].map(([q, group]) => q.jobs.addBulk(group)));
      return reports.reduce<SinkReport>((a, r) => ({ added: a.added + r.added, superseded: a.superseded + r.superseded }), {
        added: 0,
        superseded: 0,
      });
    },
  };
}
