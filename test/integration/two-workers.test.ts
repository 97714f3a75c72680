import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/logger.js';
import { openQueueRuntime, type QueueRuntime } from '../../src/app/queue-runtime.js';
import { isDrained } from '../../src/queue/queue-status.js';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { logLines, runCli, startCli } from '../support/cli-process.js';
import { deleteKeys, seederEnv, startTestMock, uniquePrefix, waitFor } from '../support/test-env.js';

const ROOMS = 1000;
/** Every n-th room carries a scripted failure the mock plays. */
const FAULTS: ReadonlyArray<readonly [number, string]> = [
  [23, '~10002x2'],
  [31, '~502x1'],
  [41, '~resetx1'],
  [29, '~10010'],
  [53, '~10004'],
  [59, '~10007'],
];
const PERMANENT = new Set(['~10010', '~10004', '~10007']);

function roomName(i: number): { groupId: string; fault: string } {
  const fault = FAULTS.find(([every]) => i % every === 0)?.[1] ?? '';
  return { groupId: `live-${i}${fault}`, fault };
}

describe('two worker processes against the mock', () => {
  let mock: MockTencentApi;
  let prefix: string;
  let dir: string;
  let q: QueueRuntime;
  let env: Record<string, string>;

  beforeAll(async () => {
    mock = await startTestMock({ latencyMs: { min: 5, max: 25 } });
    prefix = uniquePrefix();
    env = seederEnv(prefix, mock.url, { LOG_LEVEL: 'info' });
    q = await openQueueRuntime(loadConfig(env, { tencent: false }), createLogger('silent'), 'producer');
    dir = await mkdtemp(join(tmpdir(), 'rs-two-workers-'));
  });

  afterAll(async () => {
    await q.close();
    await mock.close();
    await deleteKeys(prefix);
    await rm(dir, { recursive: true, force: true });
  });

  it('works every job off exactly once through the shared limiter, and both stop cleanly on SIGTERM', async () => {
    const file = join(dir, 'rooms.jsonl');
    const lines = Array.from({ length: ROOMS }, (_, i) =>
      JSON.stringify({ groupId: roomName(i + 1).groupId, robots: ['bot_1', 'bot_2', 'bot_1'] }),
    );
    await writeFile(file, `${lines.join('\n')}\n`);

    const enqueued = await runCli(['enqueue', file, '--json'], env);
    expect(enqueued.code, enqueued.stderr).toBe(0);
    const summary = JSON.parse(enqueued.stdout.trim()) as Record<string, unknown>;
    expect(summary).toMatchObject({ lines: ROOMS, enqueuedLines: ROOMS, jobs: ROOMS, invalidLines: 0, duplicatesRemoved: ROOMS });

    const workers = [startCli(['worker', '--concurrency', '20'], env), startCli(['worker', '--concurrency', '20'], env)];
    await waitFor(
      'all jobs completed or dead-lettered',
      async () => {
        const s = await q.status();
        return isDrained(s) && s.completed + s.deadLetter === ROOMS;
      },
      90_000,
      250,
    );
    for (const w of workers) w.child.kill('SIGTERM');
    const results = await Promise.all(workers.map((w) => w.exited));
    for (const r of results) expect(r.code, r.stderr.slice(-2000)).toBe(0);

    // Both processes called, and their calls add up to what the API saw.
    const callsPerWorker = results.map((r) => {
      const stopped = logLines(r.stderr).find((l) => l['msg'] === 'worker stopped');
      return Number(stopped?.['calls']);
    });
    for (const c of callsPerWorker) expect(c).toBeGreaterThan(0);
    const stats = mock.stats();
    expect(callsPerWorker.reduce((a, b) => a + b, 0)).toBe(stats.calls);
    expect(stats.refusedForRate).toBeLessThanOrEqual(stats.calls * 0.005);

    // Every job accounted for: transient rooms seeded, permanent ones dead-lettered, each called once.
    const expected = { seeded: 0, dead: new Map<number, number>() };
    for (let i = 1; i <= ROOMS; i += 1) {
      const { groupId, fault } = roomName(i);
      if (PERMANENT.has(fault)) {
        const code = Number(fault.slice(1));
        expected.dead.set(code, (expected.dead.get(code) ?? 0) + 1);
        expect(mock.robotsIn(groupId)).toEqual([]);
      } else {
        expected.seeded += 1;
        expect(mock.robotsIn(groupId)).toEqual(['bot_1', 'bot_2']);
      }
    }
    const status = await runCli(['status', '--json'], env);
    expect(JSON.parse(status.stdout.trim())).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
      completed: expected.seeded,
      deadLetter: ROOMS - expected.seeded,
    });
    for (const [code, n] of expected.dead) expect(stats.byCode[String(code)]).toBe(n);

    const dlq = await runCli(['dlq', 'list', '--code', '10010', '--json'], env);
    const entries = JSON.parse(dlq.stdout.trim()) as Array<Record<string, unknown>>;
    expect(entries).toHaveLength(expected.dead.get(10010) ?? -1);
    for (const e of entries) expect(e).toMatchObject({ errorCode: 10010, robots: ['bot_1', 'bot_2'], attempts: 1 });
  });
});
