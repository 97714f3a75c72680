import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { isSeederError } from '../../src/errors/seeder-error.js';

const TENCENT = { TIM_SDKAPPID: '1400000000', TIM_SECRET_KEY: 'k3y-that-must-not-leak' };

function problemsOf(env: Record<string, string>, tencent = false): string {
  try {
    loadConfig(env, { tencent });
  } catch (err) {
    if (isSeederError(err) && err.code === 'CONFIG_INVALID') return err.message;
    throw err;
  }
  throw new Error('expected CONFIG_INVALID');
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
      logLevel: 'info',
      tencent: null,
    });
  });

  it('resolves the region domain, and TIM_BASE_URL overrides it', () => {
    expect(loadConfig({ ...TENCENT, TIM_REGION: 'singapore' }, { tencent: true }).tencent?.baseUrl).toBe('https://adminapisgp.im.qcloud.com');
    expect(loadConfig({ ...TENCENT }, { tencent: true }).tencent?.baseUrl).toBe('https://console.tim.qq.com');
    expect(loadConfig({ ...TENCENT, TIM_BASE_URL: 'http://127.0.0.1:9999/' }, { tencent: true }).tencent?.baseUrl).toBe('http://127.0.0.1:9999');
  });

  it('lists every problem in one error, naming each variable and what it accepts', () => {
    const message = problemsOf({ RATE_LIMIT_PER_SECOND: 'fast', WORKER_CONCURRENCY: '0', LOG_LEVEL: 'loud', REDIS_URL: 'http://x', TIM_REGION: 'mars' }, true);
    expect(message).toContain('RATE_LIMIT_PER_SECOND: expected a whole number from 1 to 100000, got "fast"');
    expect(message).toContain('WORKER_CONCURRENCY: expected a whole number from 1 to 10000, got "0"');
    expect(message).toContain('LOG_LEVEL: expected one of');
    expect(message).toContain('REDIS_URL: expected a redis: or rediss: URL');
    expect(message).toContain('TIM_REGION: expected one of china,');
    expect(message).toContain('TIM_SDKAPPID: required');
    expect(message).toContain('TIM_SECRET_KEY: required (or a ready TIM_USERSIG)');
  });

  it('refuses a TIM_BASE_URL with credentials or a query, which would end up in every request', () => {
    expect(problemsOf({ ...TENCENT, TIM_BASE_URL: 'http://proxy.local/?x=1' }, true)).toContain('TIM_BASE_URL: expected an http(s) URL without credentials, query or fragment');
    expect(problemsOf({ ...TENCENT, TIM_BASE_URL: 'https://u:pw@proxy.local' }, true)).not.toContain('pw');
  });

  it('accepts a ready UserSig instead of the secret key', () => {
    const c = loadConfig({ TIM_SDKAPPID: '1400000000', TIM_USERSIG: 'eJx-ready' }, { tencent: true });
    expect(c.tencent).toMatchObject({ secretKey: null, userSig: 'eJx-ready' });
  });

  it('never echoes a secret in its errors', () => {
    const secret = 'k3y-that-must-not-leak';
    const message = problemsOf({ TIM_SECRET_KEY: secret, TIM_USERSIG: `sig-${secret}`, TIM_BASE_URL: `https://u:${secret}@x y`, REDIS_URL: `redis://:${secret}@:bad` }, true);
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
