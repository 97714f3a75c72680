import { describe, it, expect } from 'vitest';
import { isSeederError } from '../../src/errors/seeder-error.js';
import { checkUserSig, decodeUserSig } from '../../src/tencent/user-sig.js';
import { createSigningUserSigSource, createStaticUserSigSource } from '../../src/tencent/user-sig-source.js';

const KEY = {
  sdkAppId: 1400000000,
  secretKey: '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e',
  identifier: 'administrator',
};
const T0_MS = 1_700_000_000_000;

function fakeClock(startMs = T0_MS): { nowMs: () => number; advanceSeconds: (s: number) => void } {
  let now = startMs;
  return { nowMs: () => now, advanceSeconds: (s) => (now += s * 1000) };
}

function timeOf(userSig: string): number {
  return decodeUserSig(userSig)['TLS.time'];
}

describe('createSigningUserSigSource', () => {
  it('signs a UserSig Tencent accepts, valid for ttlSeconds from now', () => {
    const clock = fakeClock();
    const source = createSigningUserSigSource({ ...KEY, nowMs: clock.nowMs });
    const sig = source.current();
    expect(source.renewable).toBe(true);
    expect(decodeUserSig(sig)).toMatchObject({ 'TLS.time': T0_MS / 1000, 'TLS.expire': 86_400 });
    expect(checkUserSig(sig, { ...KEY, nowSeconds: T0_MS / 1000 })).toEqual({
      ok: true,
      expiresAtSeconds: T0_MS / 1000 + 86_400,
    });
  });

  it('keeps the same sig until fewer than renewBeforeSeconds remain', () => {
    const clock = fakeClock();
    const source = createSigningUserSigSource({ ...KEY, ttlSeconds: 1000, renewBeforeSeconds: 100, nowMs: clock.nowMs });
    const first = source.current();
    clock.advanceSeconds(899);
    expect(source.current()).toBe(first);
    clock.advanceSeconds(1); // 100 s left: time to renew
    const second = source.current();
    expect(second).not.toBe(first);
    expect(timeOf(second)).toBe(T0_MS / 1000 + 900);
    clock.advanceSeconds(899);
    expect(source.current()).toBe(second);
  });

  it('renews a sig that is already expired (a process that slept)', () => {
    const clock = fakeClock();
    const source = createSigningUserSigSource({ ...KEY, nowMs: clock.nowMs });
    source.current();
    clock.advanceSeconds(10 * 86_400);
    const sig = source.current();
    expect(checkUserSig(sig, { ...KEY, nowSeconds: T0_MS / 1000 + 10 * 86_400 }).ok).toBe(true);
  });

  it('uses the defaults: 86400 s valid, renewed 3600 s before the end', () => {
    const clock = fakeClock();
    const source = createSigningUserSigSource({ ...KEY, nowMs: clock.nowMs });
    const first = source.current();
    clock.advanceSeconds(86_400 - 3_600 - 1);
    expect(source.current()).toBe(first);
    clock.advanceSeconds(1);
    expect(source.current()).not.toBe(first);
  });

  it('re-signs on renew() and serves the new sig from then on', () => {
    const clock = fakeClock();
    const source = createSigningUserSigSource({ ...KEY, nowMs: clock.nowMs });
    const first = source.current();
    clock.advanceSeconds(5);
    expect(source.renew()).toBe(true);
    const renewed = source.current();
    expect(renewed).not.toBe(first);
    expect(timeOf(renewed)).toBe(T0_MS / 1000 + 5);
    clock.advanceSeconds(60);
    expect(source.current()).toBe(renewed);
  });

  it('signs nothing before it is asked to', () => {
    let reads = 0;
    createSigningUserSigSource({ ...KEY, nowMs: () => (reads++, T0_MS) });
    expect(reads).toBe(0);
  });

  it.each([
    [{ sdkAppId: 0 }, /sdkAppId/],
    [{ sdkAppId: 1.5 }, /sdkAppId/],
    [{ secretKey: '' }, /secretKey/],
    [{ identifier: '' }, /identifier/],
    [{ ttlSeconds: 0 }, /ttlSeconds/],
    [{ ttlSeconds: 100, renewBeforeSeconds: 100 }, /renewBeforeSeconds/],
    [{ renewBeforeSeconds: -1 }, /renewBeforeSeconds/],
  ])('rejects %o with CONFIG_INVALID', (bad, message) => {
    try {
      createSigningUserSigSource({ ...KEY, ...bad });
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(isSeederError(err) && err.code).toBe('CONFIG_INVALID');
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain(KEY.secretKey);
    }
  });
});

describe('createStaticUserSigSource', () => {
  it('serves the given sig and cannot renew it', () => {
    const source = createStaticUserSigSource('eJyrVkrxCdYrSi1SslIy0jM0');
    expect(source.renewable).toBe(false);
    expect(source.current()).toBe('eJyrVkrxCdYrSi1SslIy0jM0');
    expect(source.renew()).toBe(false);
    expect(source.current()).toBe('eJyrVkrxCdYrSi1SslIy0jM0');
  });

  it('rejects an empty sig', () => {
    expect(() => createStaticUserSigSource('  ')).toThrow(/userSig/);
  });
});
