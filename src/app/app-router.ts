import type { BulkJob, JobSink, SinkReport } from '../queue/write-jobs.js';
import type { QueueRuntime } from './queue-runtime.js';

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
