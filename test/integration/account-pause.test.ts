import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { runCli } from '../support/cli-process.js';
import { deleteKeys, seederEnv, startTestMock, TEST_SECRET_KEY, uniquePrefix } from '../support/test-env.js';

const ROOMS = 300;
const WRONG_KEY = 'a-secret-key-of-another-app-0000000000000000000000000000000000000';

let mock: MockTencentApi;
let dir: string;
let file: string;
const prefix = uniquePrefix();

beforeAll(async () => {
  mock = await startTestMock();
  dir = await mkdtemp(join(tmpdir(), 'rs-account-'));
  file = join(dir, 'rooms.jsonl');
  await writeFile(
    file,
    Array.from({ length: ROOMS }, (_, i) => JSON.stringify({ groupId: `room-${i}`, robots: ['bot_a', 'bot_b'] })).join('\n'),
  );
});

afterAll(async () => {
  await mock.close();
  await deleteKeys(prefix);
  await rm(dir, { recursive: true, force: true });
});

const env = (secretKey: string): Record<string, string> => seederEnv(prefix, mock.url, { TIM_SECRET_KEY: secretKey });

async function status(): Promise<{ counts: Record<string, number>; stderr: string }> {
  const r = await runCli(['status', '--json'], env(TEST_SECRET_KEY));
  expect(r.code, r.stderr).toBe(0);
  return { counts: JSON.parse(r.stdout.trim()) as Record<string, number>, stderr: r.stderr };
}

describe('a wrong secret key', () => {
  it('pauses the fleet after a few calls, dead-letters nothing, and every room is seeded once the key is right', async () => {
    const wrong = await runCli(['run', file, '--json'], env(WRONG_KEY));
    expect(wrong.code, wrong.stderr.slice(-2000)).toBe(EXIT.accountRefused);
    expect(wrong.stderr).toMatch(/robot-seeder run: stopped: Tencent refused the app's account since \S+: 70009 /);
    expect(wrong.stderr).toMatch(/hint: fix TIM_SECRET_KEY/);
    expect(wrong.stderr).not.toContain(WRONG_KEY);
    const refusedCalls = mock.stats().calls;
    console.log(`[account-pause] a wrong key: ${refusedCalls} calls before the fleet paused, ${ROOMS} rooms queued`);
    expect(refusedCalls).toBeGreaterThan(0);
    expect(refusedCalls).toBeLessThanOrEqual(40);
    expect(mock.rooms()).toBe(0);

    const paused = await status();
    expect(paused.counts).toMatchObject({ deadLetter: 0, active: 0, completed: 0 });
    expect((paused.counts['waiting'] ?? 0) + (paused.counts['delayed'] ?? 0)).toBe(ROOMS);
    expect(paused.stderr).toContain('THE FLEET IS PAUSED');

    // The same wrong key again: held at once, not a single call more.
    const again = await runCli(['run', file, '--json'], env(WRONG_KEY));
    expect(again.code).toBe(EXIT.accountRefused);
    expect(mock.stats().calls).toBe(refusedCalls);

    // Restarted with the right key: not held by the pause the wrong one caused, and its answers lift it.
    const right = await runCli(['run', file, '--json'], env(TEST_SECRET_KEY));
    expect(right.code, right.stderr.slice(-2000)).toBe(0);
    expect(mock.rooms()).toBe(ROOMS);
    const after = await status();
    expect(after.counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, deadLetter: 0 });
    expect(after.stderr).not.toContain('PAUSED');
  });

  it('`resume` lifts a pause, saying what it was', async () => {
    const one = join(dir, 'one.jsonl');
    await writeFile(one, JSON.stringify({ groupId: 'room-new', robots: ['bot_a'] }));
    const e = env(WRONG_KEY);
    expect((await runCli(['run', one, '--json'], e)).code).toBe(EXIT.accountRefused);
    expect((await status()).stderr).toContain('THE FLEET IS PAUSED');
    const r = await runCli(['resume', '--json'], e);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ lifted: { errorCode: 70009 } });
    expect((await status()).stderr).not.toContain('PAUSED');
    expect(JSON.parse((await runCli(['resume', '--json'], e)).stdout.trim())).toEqual({ lifted: null });
  });
});
