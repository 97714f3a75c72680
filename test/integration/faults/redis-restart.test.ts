import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/log/logger.js';
import { openQueueRuntime, type QueueRuntime } from '../../../src/app/queue-runtime.js';
import { isDrained } from '../../../src/queue/queue-status.js';
import type { MockTencentApi } from '../../../src/mock-api/mock-tencent-api.js';
import { logLines, runCli, startCli, type CliProcess } from '../../support/cli-process.js';
import { ChildReaper } from '../../support/child-reaper.js';
import { busiestWindow, maxCalls, meanCalls, sampleCalls, wholeSeconds } from '../../support/call-rate.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { roomIds, TEST_ROBOTS, writeRoomsFile } from '../../support/rooms-file.js';
import { seederEnv, startTestMock, uniquePrefix, waitFor } from '../../support/test-env.js';

const RATE_CAP = 200;
/** The issue's promise: calls resume within 5 s of Redis answering again. */
const RESUME_LIMIT_MS = 5_000;
const DOWN_MS = 3_000;
/**
 * The limiter spaces calls 1000 / 200 = 5 ms apart: 20 in any 100 ms. Up to twice that allows
 * for jitter (measured: at most 15 in 50 ms when spacing holds); a burst of every call in hand
 * going out at once (2 workers x 30) is far above.
 */
const BURST_WINDOW_MS = 100;
const BURST_LIMIT = 40;

/** How often Redis answered NOSCRIPT since it started: > 0 proves the scripts were re-sent after the cache was lost. */
async function noscriptErrors(url: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    const info = await redis.info('errorstats');
    return Number(/errorstat_NOSCRIPT:count=(\d+)/.exec(info)?.[1] ?? 0);
  } finally {
    redis.disconnect();
  }
}

/** Log lines that would mean a worker failed jobs or gave up because of the outage. */
function badLines(stderr: string): Array<Record<string, unknown>> {
  return logLines(stderr).filter(
    (l) =>
      l['msg'] === 'dead-lettered' ||
      JSON.stringify(l).includes('NOSCRIPT') ||
      l['msg'] === 'limiter granted no slot in time; abandoning the call',
  );
}

describe('Redis restarted under running workers', () => {
  const reaper = new ChildReaper();
  let mock: MockTencentApi;
  let dir: string;
  let redis: RedisServer | null = null;
  let q: QueueRuntime | null = null;

  beforeAll(async () => {
    mock = await startTestMock({ latencyMs: { min: 5, max: 25 } });
    dir = await mkdtemp(join(tmpdir(), 'rs-redis-restart-'));
  });

  afterEach(async () => {
    await reaper.killAll();
    await q?.close();
    q = null;
    await redis?.close();
    redis = null;
    mock.reset();
  });

  afterAll(async () => {
    await mock.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A private Redis, the seeder's environment for it, and an observer connection that waits out restarts. */
  async function setUp(appendonly: boolean): Promise<{ server: RedisServer; env: Record<string, string>; queue: QueueRuntime }> {
    const server = await startRedisServer({ appendonly });
    redis = server;
    const env = seederEnv(uniquePrefix(), mock.url, { REDIS_URL: server.url, LOG_LEVEL: 'info', WORKER_CONCURRENCY: '30' });
    const queue = await openQueueRuntime(loadConfig(env, { tencent: false }), createLogger('silent'), 'worker');
    q = queue;
    return { server, env, queue };
  }

  async function enqueueRooms(env: Record<string, string>, name: string, rooms: readonly string[]): Promise<void> {
    const file = join(dir, `${name}.jsonl`);
    await writeRoomsFile(file, rooms);
    const r = await runCli(['enqueue', file, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ jobs: rooms.length });
  }

  async function drained(queue: QueueRuntime, jobs: number, timeoutMs: number): Promise<void> {
    await waitFor(
      `${jobs} jobs completed or dead-lettered`,
      async () => {
        const s = await queue.status();
        return isDrained(s) && s.completed + s.deadLetter >= jobs;
      },
      timeoutMs,
      100,
    );
  }

  /** SIGTERMs the workers (which must still be the first processes: nobody restarted them) and checks their logs. */
  async function stopWorkers(workers: readonly CliProcess[]): Promise<void> {
    for (const w of workers) expect(w.child.exitCode, w.stderr().slice(-2000)).toBeNull();
    for (const w of workers) w.child.kill('SIGTERM');
    for (const r of await Promise.all(workers.map((w) => w.exited))) {
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      expect(badLines(r.stderr)).toEqual([]);
      // Regression: BullMQ printed every relayed connection error of a Queue without an 'error'
      // listener with console.error, ~100 lines of raw stack traces per worker during a restart.
      expect(
        r.stderr
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('{'))
          .slice(0, 10),
      ).toEqual([]);
    }
  }

  it('with AOF, killed and back after 3 s: workers reconnect alone, calls resume within 5 s at the cap, no job lost', async () => {
    const ROOMS = 1500;
    const { server, env, queue } = await setUp(true);
    const rooms = roomIds('restart', ROOMS);
    await enqueueRooms(env, 'restart', rooms);
    const workers = [reaper.track(startCli(['worker'], env)), reaper.track(startCli(['worker'], env))];
    await waitFor('some jobs completed', async () => (await queue.status()).completed >= 500, 30_000, 50);
    const firstCallAt = Math.min(...mock.stats().perSecond.map((s) => s.second)) * 1000;

    await server.kill();
    const killedAt = Date.now();
    // Calls granted before the kill may still go out; none is granted while Redis is down.
    // These sleeps are the fault itself (Redis down for DOWN_MS), not waits for a result.
    await sleep(500);
    const callsEarlyInOutage = mock.stats().calls;
    await sleep(DOWN_MS - 500);
    const callsDuringOutage = mock.stats().calls - callsEarlyInOutage;
    await server.restart();
    const backAt = Date.now();
    const callsAtBack = mock.stats().calls;
    // Every 2 ms for long enough to see the resumption and the seconds after it, or until every
    // room is seeded (no call is left to come; at the cap that is about 5 s after Redis is back).
    const samples = await sampleCalls(
      () => mock.stats().calls - callsAtBack,
      RESUME_LIMIT_MS + 3_000,
      () => mock.rooms() === ROOMS,
    );
    const resumeMs = samples.find((x) => x.calls > 0)?.atMs ?? Number.POSITIVE_INFINITY;
    const burst = busiestWindow(samples, BURST_WINDOW_MS);

    await drained(queue, ROOMS, 60_000);
    const doneAt = Date.now();
    const stats = mock.stats();
    const before = wholeSeconds(stats.perSecond, firstCallAt, killedAt).slice(1);
    const after = wholeSeconds(stats.perSecond, backAt, doneAt).filter((x) => x.calls > 0);
    const fullSpeedAt = after.find((x) => x.calls >= RATE_CAP * 0.75)?.second;
    const refusedAfter = after.reduce((a, x) => a + x.refused, 0);
    console.log(
      `[redis-restart] Redis SIGKILLed for ${DOWN_MS} ms: calls in the outage after its first 0.5 s: ${callsDuringOutage}; ` +
        `first call ${resumeMs} ms after Redis answered PING; first second at >= 75% of the cap ${fullSpeedAt === undefined ? 'never' : `${fullSpeedAt * 1000 - Math.floor(backAt / 1000) * 1000} ms after the second Redis came back`}; ` +
        `busiest ${BURST_WINDOW_MS} ms after it: ${burst.calls} calls at +${burst.atMs} ms`,
    );
    // ioredis sends a script by EVAL on every new socket, so a restart causes no NOSCRIPT at all
    // (0 expected); the SCRIPT FLUSH test below covers NOSCRIPT on a live connection.
    console.log(
      `[redis-restart] calls/s before: ${before.map((x) => x.calls).join(', ')} (mean ${meanCalls(before)}); ` +
        `after: ${after.map((x) => x.calls).join(', ')} (busiest ${maxCalls(after)}); refused for rate: ${refusedAfter} after the restart, ${stats.refusedForRate} in all of ${stats.calls} calls; ` +
        `NOSCRIPT answers after the restart: ${await noscriptErrors(server.url)}`,
    );
    expect(callsDuringOutage).toBe(0);
    expect(resumeMs).toBeLessThanOrEqual(RESUME_LIMIT_MS);
    // Regression: calls granted while the breaker's in-slot state read (on the main connection)
    // waited for that connection's reconnect all went out together: ~60 calls in 50 ms, 254 in a second.
    expect(burst.calls).toBeLessThanOrEqual(BURST_LIMIT);
    expect(maxCalls(after)).toBeLessThanOrEqual(RATE_CAP + 5);
    // A call granted at a second's end can reach the mock in the next one: a few refusals, retried without using an attempt.
    expect(stats.refusedForRate).toBeLessThanOrEqual(stats.calls * 0.01);

    await stopWorkers(workers);
    const status = await runCli(['status', '--json'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout.trim())).toEqual({ waiting: 0, active: 0, delayed: 0, completed: ROOMS, deadLetter: 0 });
    for (const room of rooms) expect(mock.robotsIn(room), room).toEqual(TEST_ROBOTS);
  });

  it('SCRIPT FLUSH mid-run: the limiter and the queue re-send their scripts and work goes on at the cap', async () => {
    const ROOMS = 1000;
    const { server, env, queue } = await setUp(false);
    const rooms = roomIds('flush', ROOMS);
    await enqueueRooms(env, 'flush', rooms);
    const workers = [reaper.track(startCli(['worker'], env))];
    await waitFor('some jobs completed', async () => (await queue.status()).completed >= 150, 30_000, 50);
    const flusher = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    try {
      expect(await flusher.script('FLUSH')).toBe('OK');
    } finally {
      flusher.disconnect();
    }
    const flushedAt = Date.now();

    await drained(queue, ROOMS, 30_000);
    const after = wholeSeconds(mock.stats().perSecond, flushedAt, Date.now())
      .filter((s) => s.calls > 0)
      .slice(0, -1);
    const noscript = await noscriptErrors(server.url);
    console.log(`[redis-restart] after SCRIPT FLUSH: calls/s ${after.map((s) => s.calls).join(', ')}; NOSCRIPT answers: ${noscript}`);
    expect(noscript).toBeGreaterThan(0);
    expect(meanCalls(after)).toBeGreaterThanOrEqual(RATE_CAP / 2);
    expect(maxCalls(after)).toBeLessThanOrEqual(RATE_CAP + 5);
    expect(mock.stats().refusedForRate).toBeLessThanOrEqual(mock.stats().calls * 0.01);

    await stopWorkers(workers);
    expect(await queue.status()).toEqual({ waiting: 0, active: 0, delayed: 0, completed: ROOMS, deadLetter: 0 });
    for (const room of rooms) expect(mock.robotsIn(room), room).toEqual(TEST_ROBOTS);
  });
});
