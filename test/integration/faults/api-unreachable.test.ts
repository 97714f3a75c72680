import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../../support/cli-process.js';
import { freePort } from '../../support/free-port.js';
import { deleteKeys, seederEnv, uniquePrefix } from '../../support/test-env.js';

let dir: string;
const prefixes: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rs-unreachable-'));
});

afterAll(async () => {
  for (const p of prefixes) await deleteKeys(p);
  await rm(dir, { recursive: true, force: true });
});

// Issue 8: `run` against an API that cannot be reached waited forever (the breaker holds every call).
describe('run against a Tencent API that cannot be reached', () => {
  it.each([
    // Enough calls to open the circuit breaker, which then holds them.
    ['many rooms (the breaker opens and holds the calls)', 60, true],
    // Too few calls to open the breaker: the jobs back off and retry.
    ['a few rooms (the calls are retried)', 3, false],
  ])(
    '%s: stops after RUN_API_UNREACHABLE_MS with exit 5 and a clear message, the jobs kept in the queue',
    async (_what, rooms, breakerOpens) => {
      const prefix = uniquePrefix();
      prefixes.push(prefix);
      // Nothing listens there: every connection is refused.
      const env = seederEnv(prefix, `http://127.0.0.1:${await freePort()}`, { RUN_API_UNREACHABLE_MS: '3000', BACKOFF_DELAY_MS: '1000' });
      const path = join(dir, `rooms-${rooms}.jsonl`);
      await writeFile(
        path,
        Array.from({ length: rooms }, (_, i) => JSON.stringify({ groupId: `room-${i}`, robots: ['bot_a'] })).join('\n'),
      );

      const started = Date.now();
      const p = startCli(['run', path, '--json'], env);
      // Without the bound it never ends: give it a generous while, then fail rather than hang.
      const timeout = setTimeout(() => p.child.kill('SIGKILL'), 30_000);
      const r = await p.exited;
      clearTimeout(timeout);
      expect(r.signal, 'run did not stop by itself').toBeNull();
      expect(r.code, r.stderr.slice(-2000)).toBe(5);
      expect(Date.now() - started).toBeLessThan(25_000);
      expect(r.stderr).toMatch(
        /the Tencent API at http:\/\/127\.0\.0\.1:\d+ answered none of this run's calls for 3 s \(RUN_API_UNREACHABLE_MS=3000\); stopped with \d+ jobs left in the queue/,
      );
      expect(r.stderr).toContain('hint: check TIM_BASE_URL / TIM_REGION');
      expect(r.stderr.includes('circuit breaker OPEN')).toBe(breakerOpens);
      // The report still comes first, on stdout.
      const report = JSON.parse(r.stdout.trim()) as { seeded: number; deadLettered: number };
      expect(report).toMatchObject({ seeded: 0, deadLettered: 0 });

      const status = await runCli(['status', '--json'], env);
      const s = JSON.parse(status.stdout.trim()) as Record<string, number>;
      expect(s).toMatchObject({ active: 0, completed: 0, deadLetter: 0 });
      expect((s['waiting'] ?? 0) + (s['delayed'] ?? 0)).toBe(rooms);
    },
  );
});
