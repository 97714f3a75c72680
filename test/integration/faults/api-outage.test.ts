import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/log/logger.js';
import { openQueueRuntime, type QueueRuntime } from '../../../src/app/queue-runtime.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../../src/app/worker-runtime.js';
import { enqueueRequests } from '../../../src/queue/enqueue-requests.js';
import { seedJobOptions } from '../../../src/queue/job-options.js';
import { isDrained } from '../../../src/queue/queue-status.js';
import type { MockTencentApi } from '../../../src/mock-api/mock-tencent-api.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { deleteKeys, seederEnv, startTestMock, uniquePrefix, waitFor } from '../../support/test-env.js';

/**
 * Enough rooms that work is left for the whole outage and after it (about 300 are done before it
 * begins), and that without the breaker the jobs left (~500, 3 attempts each) would send more calls
 * into the outage than the bound below allows; no more, as the rest is only drained at the cap.
 */
const ROOMS = 800;

describe('the Tencent API down for 20 s in the middle of a run', () => {
  let mock: MockTencentApi;
  let proxy: TcpProxy;
  let prefix: string;
  let q: QueueRuntime;
  let w: WorkerRuntime;

  beforeAll(async () => {
    mock = await startTestMock({ latencyMs: { min: 5, max: 20 } });
    const target = new URL(mock.url);
    proxy = await startTcpProxy({ target: { host: target.hostname, port: Number(target.port) } });
    prefix = uniquePrefix();
    // Few attempts and short backoffs: without the breaker, a 20 s outage would dead-letter hundreds of jobs.
    // The shortest timeout allowed (Tencent's own is 3 s), so calls into the 6 s stall time out within it.
    const env = seederEnv(prefix, proxy.url, { JOB_ATTEMPTS: '3', BACKOFF_DELAY_MS: '100', REQUEST_TIMEOUT_MS: '3001' });
    q = await openQueueRuntime(loadConfig(env, { tencent: true }), createLogger('silent'), 'worker');
  });

  afterAll(async () => {
    await w.close();
    await q.close();
    await proxy.close();
    await mock.close();
    await deleteKeys(prefix);
  });

  it('holds calls while the shared breaker is open, sends few into the outage, dead-letters nothing, and finishes', async () => {
    const requests = Array.from({ length: ROOMS }, (_, i) => ({ groupId: `outage-${i}`, robots: ['bot_1'] }));
    await enqueueRequests(q.jobs, requests, { command: 'add_robots', maxRobotsPerCall: 500, jobOptions: seedJobOptions(q.config) });
    w = await startWorkerRuntime(q);
    await waitFor('work under way', async () => (await q.status()).completed >= 300, 30_000, 50);

    // 20 s of outage in three shapes: connections cut, refused, then accepted and never answered.
    const phases: Array<['cut' | 'refuse' | 'stall', number]> = [
      ['cut', 7000],
      ['refuse', 7000],
      ['stall', 6000],
    ];
    let sawOpen = false;
    for (const [mode, ms] of phases) {
      await proxy.setMode(mode);
      const until = Date.now() + ms;
      while (Date.now() < until) {
        sawOpen ||= (await w.breaker.state()) === 'open';
        // A sampling interval within the phase: the phase's length is the fault itself.
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await proxy.setMode('pass');

    await waitFor(
      'every job completed or dead-lettered',
      async () => {
        const s = await q.status();
        return isDrained(s) && s.completed + s.deadLetter === ROOMS;
      },
      90_000,
      200,
    );

    const status = await q.status();
    const sentIntoOutage = w.stats.snapshot().calls - mock.stats().calls;
    console.log(`api-outage: ${sentIntoOutage} calls sent into a 20 s outage (the cap would allow 4000); status ${JSON.stringify(status)}`);
    expect(sawOpen).toBe(true);
    expect(await w.breaker.state()).toBe('closed');
    expect(status).toMatchObject({ completed: ROOMS, deadLetter: 0 });
    expect(sentIntoOutage).toBeGreaterThan(0);
    expect(sentIntoOutage).toBeLessThanOrEqual(1000);
    for (const i of [0, 700, ROOMS - 1]) expect(mock.robotsIn(`outage-${i}`)).toEqual(['bot_1']);
  });
});
