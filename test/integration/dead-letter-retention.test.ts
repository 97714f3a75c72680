import { afterEach, describe, expect, it } from 'vitest';
import type { QueueRuntime } from '../../src/app/queue-runtime.js';
import { enqueueRequests } from '../../src/queue/enqueue-requests.js';
import { seedJobOptions } from '../../src/queue/job-options.js';
import { isDrained } from '../../src/queue/queue-status.js';
import { waitFor } from '../support/test-env.js';
import { WorkerRig } from '../support/worker-rig.js';

const rig = new WorkerRig();
afterEach(() => rig.close());

const DAY_MS = 86_400_000;

/** Five rooms that do not exist (10010), worked off to five dead letters. */
async function fiveDeadLetters(env: Record<string, string>): Promise<QueueRuntime> {
  const runtime = await rig.open(env);
  const rooms = Array.from({ length: 5 }, (_, i) => ({ groupId: `@TGS#never-${i}~10010`, robots: ['bot_a'] }));
  await enqueueRequests(runtime.jobs, rooms, { command: 'add_robots', maxRobotsPerCall: 500, jobOptions: seedJobOptions(runtime.config) });
  await rig.startWorker();
  await waitFor('five dead letters', async () => {
    const s = await runtime.status();
    return isDrained(s) && s.deadLetter === 5;
  });
  await rig.stopWorker();
  return runtime;
}

/** Makes the oldest `n` entries look `days` old. */
async function age(runtime: QueueRuntime, n: number, days: number): Promise<string[]> {
  const entries = (await runtime.deadLetters.queue.getJobs(['waiting'], 0, n - 1, true)).slice(0, n);
  for (const e of entries) await e.updateData({ ...e.data, failedAt: new Date(Date.now() - days * DAY_MS).toISOString() });
  return entries.map((e) => e.data.groupId);
}

describe('dead letters past DEAD_LETTER_RETENTION_DAYS are removed (issue 8, observation 10)', () => {
  it('by the reconcile of a worker (at start, then every 30 s): the failed job first, then its entry; the others stay', async () => {
    const runtime = await fiveDeadLetters({ DEAD_LETTER_RETENTION_DAYS: '30' });
    const old = await age(runtime, 2, 31);
    await rig.startWorker();
    const left = await runtime.deadLetters.list();
    expect(left).toHaveLength(3);
    expect(left.map((e) => e.groupId)).not.toEqual(expect.arrayContaining(old));
    // The invariant holds: a failed seed job exactly when an entry exists.
    expect(await runtime.seed.getFailedCount()).toBe(3);
    expect(await runtime.deadLetters.reconcile()).toEqual({ added: 0, removed: 0 });
  });

  it('keeps every entry with DEAD_LETTER_RETENTION_DAYS=0', async () => {
    const runtime = await fiveDeadLetters({ DEAD_LETTER_RETENTION_DAYS: '0' });
    await age(runtime, 5, 3650);
    await rig.startWorker();
    expect(await runtime.status()).toMatchObject({ deadLetter: 5 });
    expect(await runtime.seed.getFailedCount()).toBe(5);
  });
});
