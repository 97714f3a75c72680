import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callbackSign } from '../../src/callbacks/callback-signature.js';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { logLines, runCli, startCli, type CliProcess } from '../support/cli-process.js';
import { TEST_TOKEN } from '../support/http-server.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { deleteKeys, seederEnv, startTestMock, TEST_SDKAPPID, uniquePrefix, waitFor } from '../support/test-env.js';

const CALLBACK_TOKEN = 'console-callback-token-0123';

let mock: MockTencentApi;
let dir: string;
const prefixes: string[] = [];
const running: CliProcess[] = [];

function env(extra: Record<string, string> = {}): Record<string, string> {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  return seederEnv(prefix, mock.url, { API_TOKENS: TEST_TOKEN, LOG_LEVEL: 'info', ...extra });
}

/** Starts `serve` on a free port and resolves with its base URL once it listens. */
async function serve(args: string[], e: Record<string, string>): Promise<{ p: CliProcess; url: string }> {
  const p = startCli(['serve', '--host', '127.0.0.1', '--port', '0', ...args], e);
  running.push(p);
  let port = 0;
  await waitFor(
    'serve to listen',
    () => {
      const line = logLines(p.stderr()).find((l) => l['msg'] === 'serving');
      port = (line?.['address'] as { port?: number } | undefined)?.port ?? 0;
      return port > 0 || p.child.exitCode !== null;
    },
    20_000,
  );
  expect(port, p.stderr()).toBeGreaterThan(0);
  return { p, url: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  mock = await startTestMock();
  dir = await mkdtemp(join(tmpdir(), 'rs-serve-'));
});

afterEach(() => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

afterAll(async () => {
  await mock.close();
  for (const p of prefixes) await deleteKeys(p);
  await rm(dir, { recursive: true, force: true });
});

describe('robot-seeder serve', () => {
  it('serves until SIGTERM, then stops accepting and exits 0; needs no secret key without workers', async () => {
    const { p, url } = await serve([], { ...env(), TIM_SECRET_KEY: '' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/v1/status`)).status).toBe(401);
    expect((await fetch(`${url}/v1/status`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).status).toBe(200);
    p.child.kill('SIGTERM');
    const r = await p.exited;
    expect(r.code, r.stderr).toBe(0);
    expect(logLines(r.stderr).map((l) => l['msg'])).toContain('stopped');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(r.stderr).not.toContain(TEST_TOKEN);
  });

  it('--with-workers seeds what the API and a callback enqueue, feeds /metrics, and drains on SIGTERM', async () => {
    mock.reset();
    const { p, url } = await serve(['--with-workers'], env({ AUTO_SEED_ROBOTS: 'bot_cb', CALLBACK_TOKEN }));
    const auth = { authorization: `Bearer ${TEST_TOKEN}` };
    const posted = await fetch(`${url}/v1/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ jobs: [{ groupId: 'room-api', robots: ['bot_a', 'bot_b'] }] }),
    });
    expect(posted.status).toBe(202);
    const t = String(Math.floor(Date.now() / 1000));
    const signed = `RequestTime=${t}&Sign=${callbackSign(CALLBACK_TOKEN, t)}`;
    const cb = await fetch(
      `${url}/v1/callbacks/tencent?SdkAppid=${TEST_SDKAPPID}&CallbackCommand=Group.CallbackAfterCreateGroup&contenttype=json&${signed}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ CallbackCommand: 'Group.CallbackAfterCreateGroup', GroupId: '@TGS#cb', Type: 'AVChatRoom', Name: 'x' }),
      },
    );
    expect(await cb.json()).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    await waitFor('both rooms seeded', () => mock.robotsIn('room-api').length === 2 && mock.robotsIn('@TGS#cb').length === 1);
    // The mock holds the robots as soon as a call arrives; the worker counts the call once its
    // answer is back, a moment later.
    const successes = async (): Promise<number | undefined> =>
      sampleValue(parsePrometheusText(await (await fetch(`${url}/metrics`, { headers: auth })).text()), 'robot_seeder_calls_total', {
        outcome: 'success',
        code: '0',
      });
    await waitFor('both calls counted in /metrics', async () => (await successes()) === 2);
    expect(mock.stats().calls).toBe(2);
    p.child.kill('SIGTERM');
    const r = await p.exited;
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
  });

  it.each([
    ['no API_TOKENS', { API_TOKENS: '' }, /API_TOKENS: required for serve/],
    ['a short token', { API_TOKENS: 'short' }, /at least 16 characters/],
    ['no TIM_SDKAPPID', { TIM_SDKAPPID: '' }, /TIM_SDKAPPID: required: the SDKAppID of your Chat application/],
    [
      'a rules file that does not exist',
      { SEED_RULES_FILE: '/nonexistent/rules.json', CALLBACK_TOKEN },
      /SEED_RULES_FILE: cannot read .*ENOENT/,
    ],
    // Issue 8: with no token, anyone who reached the callback URL could add robots to any group.
    [
      'AUTO_SEED_ROBOTS but no CALLBACK_TOKEN',
      { AUTO_SEED_ROBOTS: 'bot_a' },
      /CALLBACK_TOKEN: required when callbacks seed rooms .*set CALLBACK_AUTH=none/,
    ],
    ['a rules file but no CALLBACK_TOKEN', { SEED_RULES_FILE: '/config/rules.json' }, /CALLBACK_TOKEN: required when callbacks seed rooms/],
    ['a short CALLBACK_TOKEN', { CALLBACK_TOKEN: 'x' }, /CALLBACK_TOKEN: must be 16 to 128 characters/],
  ])('refuses to start with %s: exit 2, the fix named', async (_what, extra, message) => {
    const r = await runCli(['serve', '--port', '0'], { ...env(), TIM_SECRET_KEY: '', ...extra });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('lists every problem of a rules file with the rule index and field', async () => {
    const path = join(dir, 'rules.json');
    await writeFile(
      path,
      JSON.stringify({
        rules: [
          { namePattern: '(', robots: ['a'] },
          { namePattern: '.*', pool: ['p1'], draw: 3 },
        ],
      }),
    );
    const r = await runCli(['serve', '--port', '0'], { ...env({ SEED_RULES_FILE: path, CALLBACK_TOKEN }), TIM_SECRET_KEY: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rules[0].namePattern: "(" is not a valid regular expression');
    expect(r.stderr).toContain('rules[1].draw: expected a whole number from 1 to the pool size (1), got 3');
    expect(r.stderr).toContain('hint: ');
  });

  it('says which port is taken', async () => {
    const { p, url } = await serve([], { ...env(), TIM_SECRET_KEY: '' });
    const port = new URL(url).port;
    const r = await runCli(['serve', '--host', '127.0.0.1', '--port', port], { ...env(), TIM_SECRET_KEY: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });
});
