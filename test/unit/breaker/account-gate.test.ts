import { describe, expect, it, vi } from 'vitest';
import { accountGate } from '../../../src/breaker/account-gate.js';
import type { AccountPause } from '../../../src/breaker/account-pause.js';
import type { CallGate } from '../../../src/limiter/call-gate.js';
import { outcome } from '../../support/call-outcomes.js';

const OK = outcome('success', 0, 200);
const WRONG_KEY = outcome('account', 70009, 200);
const EXPIRED_SIG = outcome('resign', 70001, 200);
const NETWORK = outcome('retry', null, null);

/** A pause whose shared state is a variable; what the gate asks of it is recorded. */
function fakePause(held: boolean) {
  const state = { held };
  const pause = {
    get holding() {
      return state.held;
    },
    holds: vi.fn(() => Promise.resolve(state.held)),
    pause: vi.fn(() => {
      state.held = true;
      return Promise.resolve();
    }),
    answered: vi.fn(() => Promise.resolve()),
  };
  return { pause: pause as unknown as AccountPause, fake: pause, state };
}

/** The gate behind (the circuit breaker), always open; its calls are recorded. */
function fakeInner() {
  const admit = vi.fn(() => Promise.resolve('send' as const));
  const settle = vi.fn(() => Promise.resolve('report' as const));
  const gate: CallGate = { admit, mayStillSend: () => true, settle };
  return { gate, admit, settle };
}

describe('accountGate', () => {
  it('lets calls through to the inner gate while the fleet is not paused', async () => {
    const p = fakePause(false);
    const gate = accountGate(fakeInner().gate, p.pause);
    expect(await gate.admit(new AbortController().signal)).toBe('send');
    expect(gate.mayStillSend()).toBe(true);
  });

  it('holds calls while paused, and lets them stop at shutdown', async () => {
    const p = fakePause(true);
    const inner = fakeInner();
    const gate = accountGate(inner.gate, p.pause);
    expect(gate.mayStillSend()).toBe(false);
    const stop = new AbortController();
    const admitted = gate.admit(stop.signal);
    await vi.waitFor(() => expect(p.fake.holds).toHaveBeenCalled());
    stop.abort();
    expect(await admitted).toBe('stop');
    expect(inner.admit).not.toHaveBeenCalled();
  });

  it('pauses the fleet on an answer about the account and holds that call; the breaker still counts it', async () => {
    const p = fakePause(false);
    const inner = fakeInner();
    const gate = accountGate(inner.gate, p.pause);
    expect(await gate.settle(WRONG_KEY, false)).toBe('hold');
    expect(p.fake.pause).toHaveBeenCalledWith(WRONG_KEY, '');
    expect(inner.settle).toHaveBeenCalledWith(WRONG_KEY, false);
    expect(gate.mayStillSend()).toBe(false);
  });

  it('tells the pause of answers that prove the account works, not of refused signatures or network failures', async () => {
    const p = fakePause(false);
    const gate = accountGate(fakeInner().gate, p.pause);
    expect(await gate.settle(OK, false)).toBe('report');
    expect(p.fake.answered).toHaveBeenCalledTimes(1);
    await gate.settle(EXPIRED_SIG, false);
    await gate.settle(NETWORK, false);
    expect(p.fake.answered).toHaveBeenCalledTimes(1);
    expect(p.fake.pause).not.toHaveBeenCalled();
  });
});
