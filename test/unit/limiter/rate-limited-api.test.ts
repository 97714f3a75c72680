import { describe, expect, it, vi } from 'vitest';
import type { CallGate } from '../../../src/limiter/call-gate.js';
import { isRateRefusal, rateLimitedApi } from '../../../src/limiter/rate-limited-api.js';
import type { HeldBack, SharedLimiter } from '../../../src/limiter/shared-limiter.js';
import type { CallOutcome, RobotsClient } from '../../../src/tencent/call-outcome.js';
import { outcome } from '../../support/call-outcomes.js';

const OK = outcome('success', 0, 200);
const REFUSED = outcome('slow-down', 60007, 200);

/** A client whose answers are scripted, counting what it prepared and sent. */
function client(answers: CallOutcome[]) {
  const sent: string[] = [];
  const prepared: string[] = [];
  const c: RobotsClient = {
    prepare(_command, groupId) {
      prepared.push(groupId);
      return {
        send: () => {
          sent.push(groupId);
          return Promise.resolve(answers.shift() ?? OK);
        },
      };
    },
    close: () => Promise.resolve(),
  };
  return { c, sent, prepared };
}

/** A limiter that runs each call at once, or holds it back when told to. */
function limiter(held: HeldBack | null = null) {
  const refused = vi.fn();
  const l = {
    schedule: vi.fn(<T>(send: () => Promise<T>) => (held === null ? send() : Promise.resolve(held))),
    refused,
  } as unknown as SharedLimiter;
  return Object.assign(l, { refusals: refused });
}

const signal = new AbortController().signal;

describe('rateLimitedApi (the send path)', () => {
  it('makes each call ready before its slot and sends it at the slot', async () => {
    const k = client([OK]);
    const l = limiter();
    const api = rateLimitedApi(k.c, { limiter: l, signal });
    expect(await api.call('add_robots', 'room-1', ['bot'])).toEqual(OK);
    expect(k.prepared).toEqual(['room-1']);
    expect(k.sent).toEqual(['room-1']);
  });

  it('slows the fleet down on a rate refusal from Tencent, and reports the refusal to the job', async () => {
    const k = client([REFUSED]);
    const l = limiter();
    expect(await rateLimitedApi(k.c, { limiter: l, signal }).call('add_robots', 'room-1', ['bot'])).toEqual(REFUSED);
    expect(l.refusals).toHaveBeenCalledOnce();
  });

  it('turns a call the limiter held back into a slow-down outcome without a code, and sends nothing', async () => {
    const k = client([]);
    const l = limiter({ heldBack: 'no call slot for 15000 ms' });
    const o = await rateLimitedApi(k.c, { limiter: l, signal }).call('add_robots', 'room-1', ['bot']);
    expect(o).toMatchObject({ kind: 'slow-down', errorCode: null, httpStatus: null, errorInfo: 'no call slot for 15000 ms' });
    expect(isRateRefusal(o)).toBe(false);
    expect(l.refusals).not.toHaveBeenCalled();
    expect(k.sent).toEqual([]);
  });

  it('does not send at the slot when the gate closed meanwhile; waits at the gate and sends after', async () => {
    const k = client([OK]);
    const l = limiter();
    let open = false;
    const admit = vi.fn(() => Promise.resolve('send' as const));
    const gate: CallGate = {
      admit,
      mayStillSend: () => {
        const was = open;
        open = true;
        return was;
      },
      settle: () => Promise.resolve('report' as const),
    };
    expect(await rateLimitedApi(k.c, { limiter: l, gate, signal }).call('add_robots', 'room-1', ['bot'])).toEqual(OK);
    expect(admit).toHaveBeenCalledTimes(2);
    expect(k.prepared).toHaveLength(2);
    expect(k.sent).toHaveLength(1);
  });

  it('sends again what the gate holds (an outage while the breaker is open), without reporting it to the job', async () => {
    const outage = outcome('retry', null, null);
    const k = client([outage, OK]);
    const gate: CallGate = {
      admit: () => Promise.resolve('send'),
      mayStillSend: () => true,
      settle: vi.fn((o: CallOutcome) => Promise.resolve(o === outage ? ('hold' as const) : ('report' as const))),
    };
    expect(await rateLimitedApi(k.c, { limiter: limiter(), gate, signal }).call('add_robots', 'room-1', ['bot'])).toEqual(OK);
    expect(k.sent).toHaveLength(2);
  });

  it('stops before the call at shutdown', async () => {
    const k = client([]);
    const gate: CallGate = { admit: () => Promise.resolve('stop'), mayStillSend: () => true, settle: () => Promise.resolve('report') };
    const o = await rateLimitedApi(k.c, { limiter: limiter(), gate, signal }).call('add_robots', 'room-1', ['bot']);
    expect(o).toMatchObject({ kind: 'slow-down', errorCode: null });
    expect(k.prepared).toEqual([]);
  });

  it('tells a refusal by Tencent (code, or HTTP 429) from its own holding back', () => {
    expect(isRateRefusal(REFUSED)).toBe(true);
    expect(isRateRefusal(outcome('slow-down', null, 429))).toBe(true);
    expect(isRateRefusal(outcome('slow-down', null, null))).toBe(false);
    expect(isRateRefusal(outcome('retry', 10002, 200))).toBe(false);
  });
});
