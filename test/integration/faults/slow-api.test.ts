import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/log/logger.js';
import { openQueueRuntime, type QueueRuntime } from '../../../src/app/queue-runtime.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../../src/app/worker-runtime.js';
import { enqueueRequests } from '../../../src/queue/enqueue-requests.js';
import { seedJobOptions } from '../../../src/queue/job-options.js';
import { isDrained } from '../../../src/queue/queue-status.js';
import type { MockTencentApi } from '../../../src/mock-api/mock-tencent-api.js';
import { deleteKeys, seederEnv, startTestMock, uniquePrefix, waitFor } from '../../support/test-env.js';

let mock: MockTencentApi;
let prefix: string;
let q: QueueRuntime;
let w: WorkerRuntime | undefined;

async function setUp(latencyMs: { min: number; max: number }, env: Record<string, string>): Promise<void> {
  // A slow answer comes well after any REQUEST_TIMEOUT_MS allowed (more than Tencent's 3 s).
  mock = await startTestMock({ latencyMs, slowAnswerMs: 8000 });
  prefix = uniquePrefix();
  q = await openQueueRuntime(loadConfig(seederEnv(prefix, mock.url, env), { tencent: true }), createLogger('silent'), 'worker');
}

async function seed(groupIds: string[]): Promise<void> {
  await enqueueRequests(
    q.jobs,
    groupIds.map((groupId) => ({ groupId, robots: ['bot_1'] })),
    {
      command: 'add_robots',
      maxRobotsPerCall: 500,
      jobOptions: seedJobOptions(q.config),
    },
  );
}

afterEach(async () => {
  await w?.close();
  w = undefined;
  await q.close();
  await mock.close();
  await deleteKeys(prefix);
});

describe('a slow API', () => {
  it('retries calls answered after the timeout; no job stays active', async () => {
    await setUp({ min: 5, max: 10 }, { REQUEST_TIMEOUT_MS: '3001', BACKOFF_DELAY_MS: '100' });
    const rooms = [...Array.from({ length: 6 }, (_, i) => `slow-${i}~slowx1`), ...Array.from({ length: 20 }, (_, i) => `fast-${i}`)];
    await seed(rooms);
    w = await startWorkerRuntime(q);
    await waitFor(
      'all done',
      async () => {
        const s = await q.status();
        return isDrained(s) && s.completed === rooms.length;
      },
      60_000,
      100,
    );
    expect(await q.status()).toMatchObject({ active: 0, deadLetter: 0, completed: rooms.length });
    // Each slow room's first call timed out (the mock answers it only later) and was sent again.
    const calls = w.stats.snapshot();
    expect(calls.byKind.retry).toBe(6);
    expect(calls.byError).toEqual({ network: 6 });
    expect(calls.calls).toBe(rooms.length + 6);
    for (let i = 0; i < 6; i += 1) expect(mock.robotsIn(`slow-${i}~slowx1`)).toEqual(['bot_1']);
  });

  it('raises worker concurrency as latency rises, so the limiter stays the bottleneck', async () => {
    // 10 jobs in hand at ~350 ms each would cap a worker near 28 calls/s.
    await setUp({ min: 300, max: 400 }, { WORKER_CONCURRENCY: '10' });
    await seed(Array.from({ length: 600 }, (_, i) => `latent-${i}`));
    w = await startWorkerRuntime(q);
    const worker = w.worker.worker;
    await waitFor('concurrency raised', () => worker.concurrency >= 60, 30_000, 100);
    // 200/s × ~0.35 s × 1.5 ≈ 105: well above the configured 10, never above the ceiling.
    expect(worker.concurrency).toBeLessThanOrEqual(q.config.workerMaxConcurrency);
    await waitFor(
      'all done',
      async () => {
        const s = await q.status();
        return isDrained(s) && s.completed === 600;
      },
      60_000,
      100,
    );
  });
});
