import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MockTencentApi } from '../../../src/mock-api/mock-tencent-api.js';
import { logLines, runCli, startCli } from '../../support/cli-process.js';
import { ChildReaper } from '../../support/child-reaper.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { roomIds, writeRoomsFile } from '../../support/rooms-file.js';
import { seederEnv, startTestMock, uniquePrefix, waitFor } from '../../support/test-env.js';
import { job, postJobs, startTestServer } from '../../support/http-server.js';
import { EXIT } from '../../../src/cli/exit-codes.js';

const ROOMS = 1200;
const FULL_MS = 4_000;

describe('Redis full (maxmemory reached, noeviction) under a running worker', () => {
  const reaper = new ChildReaper();
  let mock: MockTencentApi;
  let dir: string;
  let server: RedisServer;

  beforeAll(async () => {
    mock = await startTestMock({ latencyMs: { min: 5, max: 25 } });
    dir = await mkdtemp(join(tmpdir(), 'rs-redis-full-'));
    server = await startRedisServer();
  });

  afterEach(() => reaper.killAll());

  afterAll(async () => {
    await mock.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('holds the work while Redis refuses writes: no attempt used, nothing dead-lettered, every room seeded after', async () => {
    const env = seederEnv(uniquePrefix(), mock.url, { REDIS_URL: server.url, LOG_LEVEL: 'info' });
    const file = join(dir, 'rooms.jsonl');
    await writeRoomsFile(file, roomIds('full', ROOMS));
    expect((await runCli(['enqueue', file, '--json'], env)).code).toBe(0);
    const admin = new Redis(server.url);
    try {
      const status = async (): Promise<Record<string, number>> =>
        JSON.parse((await runCli(['status', '--json'], env)).stdout.trim()) as Record<string, number>;
      const worker = reaper.track(startCli(['worker'], env));
      await waitFor('some rooms seeded', () => mock.rooms() >= 200, 30_000, 20);

      await fill(admin);
      const roomsAtFull = mock.rooms();
      // The fault itself (Redis full for FULL_MS), not a wait for a result.
      await sleep(FULL_MS);
      const roomsDuringFull = mock.rooms() - roomsAtFull;
      await admin.config('SET', 'maxmemory', '0');

      await waitFor('every room seeded', () => mock.rooms() === ROOMS, 60_000, 50);
      await waitFor('the queue drained', async () => (await status()).completed === ROOMS, 30_000, 200);
      worker.child.kill('SIGTERM');
      const r = await worker.exited;
      console.log(
        `[redis-full] rooms seeded while Redis was full for ${FULL_MS} ms: ${roomsDuringFull}; calls in all: ${mock.stats().calls} for ${ROOMS} rooms`,
      );
      expect(r.code, r.stderr.slice(-3000)).toBe(0);
      expect(await status()).toEqual({ waiting: 0, active: 0, delayed: 0, completed: ROOMS, deadLetter: 0 });
      const lines = logLines(r.stderr);
      expect(lines.filter((l) => l['msg'] === 'dead-lettered')).toEqual([]);
      // A job whose attempt failed for Redis (not for Tencent) would be logged as a retry.
      expect(lines.filter((l) => String(l['msg']).includes('retry'))).toEqual([]);
    } finally {
      admin.disconnect();
    }
  });

  /** Makes Redis refuse every write (maxmemory just below what it holds, noeviction) until `lift`. */
  async function fill(admin: Redis): Promise<void> {
    const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', String(Math.max(1, used - 1024 * 1024)));
    await expect(admin.set('probe', 'x')).rejects.toThrow(/OOM/);
  }

  it('POST /v1/jobs answers 507 saying what is in; enqueue exits 4 saying Redis is full; both go through once it is not', async () => {
    const admin = new Redis(server.url);
    const s = await startTestServer({ env: { REDIS_URL: server.url } });
    try {
      const body = { jobs: [job('full-a'), job('full-b'), job('full-c')] };
      const file = join(dir, 'small.jsonl');
      await writeRoomsFile(file, roomIds('full-cli', 10));
      const env = seederEnv(s.prefix, mock.url, { REDIS_URL: server.url });
      await fill(admin);

      const refused = await postJobs(s, body);
      expect(refused.statusCode).toBe(507);
      expect(refused.json()).toMatchObject({ error: 'REDIS_FULL', enqueued: { items: 0, jobs: 0 } });
      expect(refused.json<{ message: string }>().message).toContain('send the same request again');
      const cli = await runCli(['enqueue', file], env);
      expect(cli.code).toBe(EXIT.redisUnavailable);
      expect(cli.stderr).toContain('Redis is full');
      expect(cli.stderr).toMatch(/hint: free memory in Redis or raise its maxmemory/);

      await admin.config('SET', 'maxmemory', '0');
      const accepted = await postJobs(s, body);
      expect(accepted.statusCode).toBe(202);
      expect(accepted.json()).toMatchObject({ accepted: 3, added: 3 });
      expect((await runCli(['enqueue', file, '--json'], env)).code).toBe(0);
      expect(await s.q.status()).toMatchObject({ waiting: 13 });
    } finally {
      await admin.config('SET', 'maxmemory', '0');
      admin.disconnect();
      await s.close();
    }
  });
});
