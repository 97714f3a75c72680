import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueueRuntime } from '../../src/app/queue-runtime.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/logger.js';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { enqueueRequests } from '../../src/queue/enqueue-requests.js';
import { seedJobOptions } from '../../src/queue/job-options.js';
import { isDrained } from '../../src/queue/queue-status.js';
import { ChildReaper } from '../support/child-reaper.js';
import { logLines, runCli, startCli } from '../support/cli-process.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { deleteKeys, seederEnv, startTestMock, uniquePrefix, waitFor } from '../support/test-env.js';

let mock: MockTencentApi | undefined;
let prefix = '';
const reaper = new ChildReaper();

afterEach(async () => {
  await reaper.killAll();
  await mock?.close();
  await deleteKeys(prefix);
  mock = undefined;
});

describe('worker --metrics-port', () => {
  it('serves its own /metrics (its calls, by app) and /healthz, answers other paths and methods with the API error body, and stops with the worker', async () => {
    mock = await startTestMock();
    prefix = uniquePrefix();
    const env = seederEnv(prefix, mock.url, { LOG_LEVEL: 'info' });
    const q = await openQueueRuntime(loadConfig(env, { tencent: false }), createLogger('silent'), 'producer');
    try {
      const rooms = Array.from({ length: 30 }, (_, i) => ({ groupId: `room-${i}`, robots: ['bot'] }));
      await enqueueRequests(q.jobs, rooms, { command: 'add_robots', maxRobotsPerCall: 500, jobOptions: seedJobOptions(q.config) });
      const worker = reaper.track(startCli(['worker', '--metrics-port', '0'], env));
      await waitFor(
        'the metrics listener',
        () => logLines(worker.stderr()).some((l) => l['msg']?.toString().startsWith('metrics listening')),
        20_000,
        50,
      );
      const port = (
        logLines(worker.stderr()).find((l) => String(l['msg']).startsWith('metrics listening'))?.['address'] as { port: number }
      ).port;
      const base = `http://127.0.0.1:${port}`;
      await waitFor('every room seeded', async () => isDrained(await q.status()), 30_000);

      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      const samples = parsePrometheusText(await metrics.text());
      expect(sampleValue(samples, 'robot_seeder_calls_total', { app: 'default', outcome: 'success' })).toBe(30);
      expect(sampleValue(samples, 'robot_seeder_limiter_slots_total', { app: 'default', fate: 'booked' })).toBeGreaterThanOrEqual(30);
      expect(sampleValue(samples, 'robot_seeder_queue_jobs', { app: 'default', state: 'waiting' })).toBe(0);
      expect(sampleValue(samples, 'robot_seeder_breaker_open', { app: 'default' })).toBe(0);

      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const missing = await fetch(`${base}/nope`);
      expect([missing.status, ((await missing.json()) as { error: string }).error]).toEqual([404, 'NOT_FOUND']);
      expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);

      worker.child.kill('SIGTERM');
      expect((await worker.exited).code).toBe(0);
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    } finally {
      await q.close();
    }
  });

  it('says which port is taken, and stops without working a job', async () => {
    mock = await startTestMock();
    prefix = uniquePrefix();
    const env = seederEnv(prefix, mock.url);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const r = await runCli(['worker', '--metrics-port', String(port)], { ...env, METRICS_HOST: '127.0.0.1' });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
      expect(r.stderr).toContain('hint: choose another METRICS_PORT (or --metrics-port)');
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
