import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/logger.js';
import { openQueueRuntime, type QueueRuntime } from '../../src/app/queue-runtime.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/app/worker-runtime.js';
import { isDrained } from '../../src/queue/queue-status.js';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { runCli } from '../support/cli-process.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { seederEnv, startTestMock, uniquePrefix, waitFor } from '../support/test-env.js';
import { writeRoomsFile } from '../support/rooms-file.js';

describe('on a Redis Cluster (three masters)', () => {
  let cluster: RedisCluster;
  let mock: MockTencentApi;
  let env: Record<string, string>;
  let q: QueueRuntime;
  let w: WorkerRuntime | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    mock = await startTestMock();
    env = seederEnv(uniquePrefix(), mock.url, { REDIS_URL: cluster.url, REDIS_CLUSTER: 'true' });
    q = await openQueueRuntime(loadConfig(env, { tencent: true }), createLogger('silent'), 'worker');
  }, 60_000);

  afterAll(async () => {
    await w?.close();
    await q.close();
    await mock.close();
    await cluster.close();
  });

  it('enqueues through the CLI, seeds through the shared limiter and dead-letters, every key in one slot', async () => {
    const rooms = [...Array.from({ length: 40 }, (_, i) => `cluster-${i}`), 'cluster-gone~10010', 'cluster-flaky~10002x1'];
    const dir = await mkdtemp(join(tmpdir(), 'rs-cluster-'));
    const file = join(dir, 'rooms.jsonl');
    await writeRoomsFile(file, rooms);
    const enqueued = await runCli(['enqueue', file, '--json'], env);
    await rm(dir, { recursive: true, force: true });
    expect(enqueued.code, enqueued.stderr).toBe(0);

    expect(q.redis.isCluster).toBe(true);
    w = await startWorkerRuntime(q);
    await waitFor('all jobs done', async () => {
      const s = await q.status();
      return isDrained(s) && s.completed + s.deadLetter === rooms.length;
    });
    const status = await runCli(['status', '--json'], env);
    expect(JSON.parse(status.stdout.trim())).toEqual({ waiting: 0, active: 0, delayed: 0, completed: rooms.length - 1, deadLetter: 1 });
    expect(mock.robotsIn('cluster-flaky~10002x1')).toEqual(['bot_1', 'bot_2']);
    expect((await q.deadLetters.list()).map((e) => e.errorCode)).toEqual([10010]);

    // The hash tag puts every key of robot-seeder (queues, limiter, breaker) on one node.
    const holders: number[] = [];
    for (const node of cluster.nodes) {
      const r = new Redis(node.url);
      if ((await r.dbsize()) > 0) holders.push(node.port);
      r.disconnect();
    }
    expect(holders).toHaveLength(1);
  });
});
