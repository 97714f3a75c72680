import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { configProblems } from '../support/config-problems.js';

const TENCENT = { TIM_SDKAPPID: '1400000000', TIM_SECRET_KEY: 'k3y-that-must-not-leak' };

const HTTP = { TIM_SDKAPPID: '1400000000', API_TOKENS: 'api-token-0123456789' };
const CALLBACK_TOKEN = 'callback-token-0123456789';

function problemsOf(env: Record<string, string>, tencent = false, http = false): string {
  return configProblems(env, { tencent, http });
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({}, { tencent: false });
    expect(c).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      keyPrefix: '{robot-seeder}',
      rateLimitPerSecond: 200,
      maxRobotsPerCall: 500,
      // Tencent's member-tag limit: 1,000 members per tag (add_robots sets tag 500).
      maxRobotsPerLine: 1000,
      runApiUnreachableMs: 60_000,
      logLevel: 'info',
      tencent: null,
    });
  });

  it('resolves the region domain, and TIM_BASE_URL overrides it', () => {
    expect(loadConfig({ ...TENCENT, TIM_REGION: 'singapore' }, { tencent: true }).tencent?.baseUrl).toBe(
      'https://adminapisgp.im.qcloud.com',
    );
    expect(loadConfig({ ...TENCENT }, { tencent: true }).tencent?.baseUrl).toBe('https://console.tim.qq.com');
    expect(loadConfig({ ...TENCENT, TIM_BASE_URL: 'http://127.0.0.1:9999/' }, { tencent: true }).tencent?.baseUrl).toBe(
      'http://127.0.0.1:9999',
    );
  });

  it('lists every problem in one error, naming each variable and what it accepts', () => {
    const message = problemsOf(
      { RATE_LIMIT_PER_SECOND: 'fast', WORKER_CONCURRENCY: '0', LOG_LEVEL: 'loud', REDIS_URL: 'http://x', TIM_REGION: 'mars' },
      true,
    );
    expect(message).toContain('RATE_LIMIT_PER_SECOND: expected a whole number from 1 to 100000, got "fast"');
    expect(message).toContain('WORKER_CONCURRENCY: expected a whole number from 1 to 10000, got "0"');
    expect(message).toContain('LOG_LEVEL: expected one of');
    expect(message).toContain('REDIS_URL: expected a redis: or rediss: URL');
    expect(message).toContain('TIM_REGION: expected one of china,');
    expect(message).toContain('TIM_SDKAPPID: required');
    expect(message).toContain('TIM_SECRET_KEY: required (or a ready TIM_USERSIG)');
  });

  it('refuses a TIM_BASE_URL with credentials or a query, which would end up in every request', () => {
    expect(problemsOf({ ...TENCENT, TIM_BASE_URL: 'http://proxy.local/?x=1' }, true)).toContain(
      'TIM_BASE_URL: expected an http(s) URL without credentials, query or fragment',
    );
    expect(problemsOf({ ...TENCENT, TIM_BASE_URL: 'https://u:pw@proxy.local' }, true)).not.toContain('pw');
  });

  it('refuses a plain-http TIM_BASE_URL to any host but this machine, which would send the UserSig in clear (issue 8)', () => {
    for (const url of ['http://adminapisgp.im.qcloud.com', 'http://10.0.0.5:8080', 'http://proxy.local/tim', 'http://127.0.0.1.nip.io']) {
      const message = problemsOf({ ...TENCENT, TIM_BASE_URL: url }, true);
      expect(message).toContain("TIM_BASE_URL: must be https:// (Tencent's API is HTTPS only");
      expect(message).toContain(`use https://${new URL(url).host}`);
      expect(message).toContain('plain http:// is allowed only to 127.0.0.1, ::1 or localhost');
    }
    for (const url of [
      'http://127.0.0.1:9999',
      'http://localhost:8080',
      'http://[::1]:8080',
      'http://127.0.0.2',
      'https://proxy.local/tim',
    ]) {
      expect(loadConfig({ ...TENCENT, TIM_BASE_URL: url }, { tencent: true }).tencent?.baseUrl).toBe(url);
    }
  });

  it('refuses REQUEST_TIMEOUT_MS of 3000 or less: Tencent works on a call for up to 3 s (issue 8)', () => {
    for (const ms of ['1', '1000', '3000']) {
      const message = problemsOf({ ...TENCENT, REQUEST_TIMEOUT_MS: ms }, true);
      expect(message).toContain(`REQUEST_TIMEOUT_MS: must be more than 3000 (Tencent's own back-end timeout is 3 s`);
      expect(message).toContain(`got ${ms}; leave it unset for 6000`);
    }
    expect(loadConfig({ ...TENCENT, REQUEST_TIMEOUT_MS: '3001' }, { tencent: true }).tencent?.requestTimeoutMs).toBe(3001);
    expect(loadConfig({ ...TENCENT }, { tencent: true }).tencent?.requestTimeoutMs).toBe(6000);
  });

  it('reads RUN_API_UNREACHABLE_MS, at least one second', () => {
    expect(loadConfig({ RUN_API_UNREACHABLE_MS: '300000' }, { tencent: false }).runApiUnreachableMs).toBe(300_000);
    expect(problemsOf({ RUN_API_UNREACHABLE_MS: '10' })).toContain('RUN_API_UNREACHABLE_MS: expected a whole number from 1000 to');
  });

  it('refuses to seed rooms from callbacks without CALLBACK_TOKEN unless CALLBACK_AUTH=none says so (issue 8)', () => {
    const seedings: Array<Record<string, string>> = [{ AUTO_SEED_ROBOTS: 'bot_a' }, { SEED_RULES_FILE: '/config/rules.json' }];
    for (const seeding of seedings) {
      const message = problemsOf({ ...HTTP, ...seeding }, false, true);
      expect(message).toContain('CALLBACK_TOKEN: required when callbacks seed rooms (AUTO_SEED_ROBOTS or SEED_RULES_FILE is set)');
      expect(message).toContain('set the webhook authentication token of the Chat console in CALLBACK_TOKEN, or set CALLBACK_AUTH=none');
      expect(loadConfig({ ...HTTP, ...seeding, CALLBACK_TOKEN }, { tencent: false, http: true }).http).toMatchObject({
        callbackToken: CALLBACK_TOKEN,
        callbackAuth: 'token',
      });
      expect(loadConfig({ ...HTTP, ...seeding, CALLBACK_AUTH: 'none' }, { tencent: false, http: true }).http).toMatchObject({
        callbackToken: null,
        callbackAuth: 'none',
      });
    }
    // Without seeding, serve starts: the callback route refuses unsigned callbacks itself.
    expect(loadConfig({ ...HTTP }, { tencent: false, http: true }).http).toMatchObject({ callbackToken: null, callbackAuth: 'token' });
  });

  it('refuses a callback token shorter than 16 or longer than 128 characters, without echoing it (issue 8: one character was accepted)', () => {
    for (const token of ['Q', 'fifteen-chars15', 'y'.repeat(129)]) {
      const message = problemsOf({ ...HTTP, CALLBACK_TOKEN: token }, false, true);
      expect(message).toContain('CALLBACK_TOKEN: must be 16 to 128 characters');
      expect(message).toContain('openssl rand -hex 24');
      expect(message).not.toContain(token);
    }
    expect(loadConfig({ ...HTTP, CALLBACK_TOKEN: 's'.repeat(16) }, { tencent: false, http: true }).http?.callbackToken).toBe(
      's'.repeat(16),
    );
  });

  it('refuses CALLBACK_AUTH=none beside a CALLBACK_TOKEN, and any other CALLBACK_AUTH', () => {
    expect(problemsOf({ ...HTTP, CALLBACK_TOKEN, CALLBACK_AUTH: 'none' }, false, true)).toContain(
      'CALLBACK_AUTH: none contradicts CALLBACK_TOKEN',
    );
    expect(problemsOf({ ...HTTP, CALLBACK_AUTH: 'off' }, false, true)).toContain('CALLBACK_AUTH: expected one of token, none, got "off"');
  });

  it('accepts a ready UserSig instead of the secret key', () => {
    const c = loadConfig({ TIM_SDKAPPID: '1400000000', TIM_USERSIG: 'eJx-ready' }, { tencent: true });
    expect(c.tencent).toMatchObject({ secretKey: null, userSig: 'eJx-ready' });
  });

  it('never echoes a secret in its errors', () => {
    const secret = 'k3y-that-must-not-leak';
    const message = problemsOf(
      {
        TIM_SECRET_KEY: secret,
        TIM_USERSIG: `sig-${secret}`,
        TIM_BASE_URL: `https://u:${secret}@x y`,
        REDIS_URL: `redis://:${secret}@:bad`,
      },
      true,
    );
    expect(message).toContain('TIM_SDKAPPID: required');
    expect(message).toContain('TIM_BASE_URL');
    expect(message).not.toContain(secret);
  });

  it('returns a frozen object', () => {
    const c = loadConfig({ ...TENCENT }, { tencent: true });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.tencent)).toBe(true);
  });

  it('refuses a key prefix with ":"', () => {
    expect(problemsOf({ KEY_PREFIX: 'a:b' })).toContain('KEY_PREFIX: must not contain ":"');
  });
});
