import { describe, expect, it } from 'vitest';
import { timerDelay } from '../../../src/limiter/timer-delay.js';

describe('timerDelay', () => {
  it('rounds the time left up to whole ms and adds one, so a timer on the loop clock cannot fire early', () => {
    expect(timerDelay(20)).toBe(21);
    expect(timerDelay(20.2)).toBe(22);
    expect(timerDelay(0.3)).toBe(2);
  });

  it('is 0 for a moment already past', () => {
    expect(timerDelay(0)).toBe(0);
    expect(timerDelay(-0.4)).toBe(0);
    expect(timerDelay(-12)).toBe(0);
  });
});
