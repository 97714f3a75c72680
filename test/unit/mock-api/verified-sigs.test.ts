import { describe, expect, it } from 'vitest';
import { VerifiedSigs } from '../../../src/mock-api/verified-sigs.js';

describe('VerifiedSigs (the mock remembers good UserSigs)', () => {
  it('remembers a verified UserSig for its identifier only, with its expiry', () => {
    const sigs = new VerifiedSigs();
    sigs.remember('sig-a', 'administrator', 1000);
    expect(sigs.expiresAt('sig-a', 'administrator')).toBe(1000);
    expect(sigs.expiresAt('sig-a', 'someone-else')).toBeUndefined();
    expect(sigs.expiresAt('sig-b', 'administrator')).toBeUndefined();
  });

  it('stays small: a flood of distinct UserSigs starts it over', () => {
    const sigs = new VerifiedSigs();
    for (let i = 0; i <= VerifiedSigs.MAX_KEPT; i += 1) sigs.remember(`sig-${i}`, 'administrator', i);
    expect(sigs.expiresAt('sig-0', 'administrator')).toBeUndefined();
    expect(sigs.expiresAt(`sig-${VerifiedSigs.MAX_KEPT}`, 'administrator')).toBe(VerifiedSigs.MAX_KEPT);
  });
});
