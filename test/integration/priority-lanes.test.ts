import { afterEach, describe, expect, it } from 'vitest';
import type { QueueRuntime } from '../../src/app/queue-runtime.js';
import { QUEUE_PRIORITY, type Priority } from '../../src/domain/priority.js';
import type { SeedRequest } from '../../src/domain/seed-request.js';
import { createLogger } from '../../src/log/logger.js';
import { enqueueRequests } from '../../src/queue/enqueue-requests.js';
import { seedJobOptions } from '../../src/queue/job-options.js';
import { startLaneAging } from '../../src/worker/lane-aging.js';
import { TEST_SDKAPPID, waitFor } from '../support/test-env.js';
import { WorkerRig } from '../support/worker-rig.js';

const RATE = 50;
const CONCURRENCY = 10;

const rig = new WorkerRig();
afterEach(() => rig.close());

const open = (): Promise<QueueRuntime> => rig.open({ RATE_LIMIT_PER_SECOND: String(RATE), WORKER_CONCURRENCY: String(CONCURRENCY) });

/** Lane aging on the rig's queue, ticking every `intervalMs`, at 200/s (2 jobs a tick at 200 ms). */
const aging = (runtime: QueueRuntime, intervalMs: number): ReturnType<typeof startLaneAging> =>
  startLaneAging({
    queue: runtime.seed,
    redis: runtime.redis,
    prefix: rig.prefix,
    ratePerSecond: 200,
    intervalMs,
    logger: createLogger('silent'),
  });

const rooms = (name: string, n: number): SeedRequest[] =>
  Array.from({ length: n }, (_, i) => ({ groupId: `${name}-${i}`, robots: ['bot-a'] }));

async function enqueue(runtime: QueueRuntime, requests: readonly SeedRequest[], priority: Priority): Promise<void> {
  await enqueueRequests(runtime.jobs, requests, {
    command: 'add_robots',
    maxRobotsPerCall: 500,
    jobOptions: seedJobOptions(runtime.config, priority),
  });
}

const seeded = (groupId: string): boolean => (rig.mock?.robotsIn(groupId, TEST_SDKAPPID).length ?? 0) > 0;

describe('priority lanes', () => {
  it('high rooms enqueued behind a low backlog are called next, a retry included, ahead of the low jobs still waiting', async () => {
    const runtime = await open();
    await enqueue(runtime, rooms('low', 300), 'low');
    await rig.startWorker();
    await waitFor('the backlog is being worked', () => (rig.mock?.stats().calls ?? 0) >= 20);
    // One high room fails once transiently: its retry must keep its lane.
    rig.mock?.script('high-0', [{ kind: 'error-code', errorCode: 10002, times: 1 }], TEST_SDKAPPID);
    const callsBefore = rig.mock?.stats().calls ?? 0;
    await enqueue(runtime, rooms('high', 10), 'high');
    await waitFor('every high room seeded', () => rooms('high', 10).every((r) => seeded(r.groupId)), 30_000, 5);
    const lowCallsBetween = (rig.mock?.stats().calls ?? 0) - callsBefore - 11;
    // Only low jobs already in the worker's hands (at most its concurrency, twice over the retry's backoff) went first.
    expect(lowCallsBetween).toBeLessThanOrEqual(2 * CONCURRENCY + RATE * 0.2);
    expect((await runtime.status()).waiting).toBeGreaterThan(150);
  });

  it('lane aging moves the oldest jobs of a lower lane up while higher lanes have work waiting, so low work is never starved', async () => {
    const runtime = await open();
    await enqueue(runtime, rooms('low', 30), 'low');
    await enqueue(runtime, rooms('high', 30), 'high');
    const laneAging = aging(runtime, 200);
    const lowLeft = async (): Promise<number> => (await runtime.seed.getCountsPerPriority([QUEUE_PRIORITY.low]))['3'] ?? 0;
    try {
      // 2 a tick (5% of 200/s over 0.2 s) from low to normal, and from normal on to high.
      await waitFor('low jobs moved up', async () => (await lowLeft()) <= 24, 10_000, 50);
    } finally {
      await laneAging.stop();
    }
    const counts = await runtime.seed.getCountsPerPriority([1, 2, 3]);
    expect((counts['1'] ?? 0) + (counts['2'] ?? 0) + (counts['3'] ?? 0)).toBe(60);
    expect(counts['1']).toBeGreaterThan(30);
    // The oldest first: the low rooms still low are the last enqueued.
    const low = counts['3'] ?? 0;
    const still = (await runtime.seed.getJobs(['prioritized'], 0, 59, true)).filter((j) => j.priority === QUEUE_PRIORITY.low);
    expect(still.map((j) => (j.data as { groupId: string }).groupId).sort()).toEqual(
      rooms('low', 30)
        .slice(30 - low)
        .map((r) => r.groupId)
        .sort(),
    );
  });

  it('lane aging leaves the lanes alone when no higher lane has work waiting', async () => {
    const runtime = await open();
    await enqueue(runtime, rooms('low', 20), 'low');
    const laneAging = aging(runtime, 50);
    // The lock key shows a tick ran; then the counts are read.
    await waitFor('an aging tick ran', async () => (await runtime.redis.exists(`${rig.prefix}:lanes:aging`)) === 1, 5_000, 10);
    await laneAging.stop();
    expect(await runtime.seed.getCountsPerPriority([1, 2, 3])).toEqual({ '1': 0, '2': 0, '3': 20 });
  });
});
