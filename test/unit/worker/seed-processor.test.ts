import type { Job } from 'bullmq';
import { describe, expect, it, vi } from 'vitest';
import { bullmq } from '../../../src/commonjs/bullmq.js';
import { createLogger } from '../../../src/log/logger.js';
import type { SeedJobData } from '../../../src/queue/seed-job.js';
import type { CallOutcome, RobotsApi } from '../../../src/tencent/call-outcome.js';
import type { UserSigSource } from '../../../src/tencent/user-sig-source.js';
import { createSeedProcessor, TransientCallError, type SeedProcessorDeps } from '../../../src/worker/seed-processor.js';

const outcome = (kind: CallOutcome['kind'], errorCode: number | null, httpStatus: number | null = 200): CallOutcome => ({
  kind,
  errorCode,
  errorInfo: `info ${String(errorCode)}`,
  httpStatus,
  requestId: null,
  durationMs: 1,
});
const OK = outcome('success', 0);

/** A BullMQ job stand-in: its data as the processor last wrote it, and where it was moved. */
function fakeJob(data: SeedJobData, attemptsMade = 0, attempts = 3) {
  const state: { data: SeedJobData; delayedUntil: number | null } = { data, delayedUntil: null };
  const job = {
    id: 'job-1',
    get data() {
      return state.data;
    },
    attemptsMade,
    opts: { attempts },
    updateData: vi.fn((d: SeedJobData) => {
      state.data = d;
      return Promise.resolve();
    }),
    moveToDelayed: vi.fn((until: number) => {
      state.delayedUntil = until;
      return Promise.resolve();
    }),
  };
  return { job: job as unknown as Job, state, fake: job };
}

/** An API whose answers are scripted; records each call's robots. */
function scriptedApi(answers: CallOutcome[]) {
  const calls: Array<readonly string[]> = [];
  const api: RobotsApi = {
    call: (_command, _groupId, robots) => {
      calls.push(robots);
      return Promise.resolve(answers.shift() ?? OK);
    },
    close: () => Promise.resolve(),
  };
  return { api, calls };
}

function userSig(renewable: boolean): UserSigSource & { renewals: number } {
  const s = { renewals: 0, renewable, current: () => 'sig', renew: () => (renewable ? (s.renewals += 1) > 0 : false) };
  return s;
}

function deps(api: RobotsApi, o: Partial<SeedProcessorDeps> = {}): SeedProcessorDeps {
  return {
    api,
    userSig: userSig(true),
    logger: createLogger('silent'),
    slowDownDelayMs: 100,
    slowDownGiveUpMs: 60_000,
    pauseAccount: vi.fn(() => Promise.resolve()),
    ...o,
  };
}

const data = (robots = ['a', 'b', 'c', 'd']): SeedJobData => ({ command: 'add_robots', groupId: 'room-1', robots });

describe('seed processor', () => {
  it('seeds in one call and completes', async () => {
    const { api, calls } = scriptedApi([OK]);
    const { job } = fakeJob(data());
    expect(await createSeedProcessor(deps(api))(job, 't')).toEqual({ calls: 1, seeded: 4 });
    expect(calls).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('a permanent answer: the verdict is written into the job before it fails for good', async () => {
    const { api } = scriptedApi([outcome('permanent', 10010)]);
    const f = fakeJob(data());
    await expect(createSeedProcessor(deps(api))(f.job, 't')).rejects.toBeInstanceOf(bullmq.UnrecoverableError);
    expect(f.state.data.verdict).toEqual({ errorCode: 10010, errorInfo: 'info 10010' });
    // Run again (a worker died after the verdict): no call, the same final failure.
    const again = scriptedApi([]);
    await expect(createSeedProcessor(deps(again.api))(f.job, 't')).rejects.toThrow('10010: info 10010');
    expect(again.calls).toEqual([]);
  });

  it('10005: halves the batch, remembers it and what is done, and finishes the robots', async () => {
    const { api, calls } = scriptedApi([outcome('split', 10005), OK, OK]);
    const f = fakeJob(data());
    expect(await createSeedProcessor(deps(api))(f.job, 't')).toEqual({ calls: 3, seeded: 4 });
    expect(calls).toEqual([
      ['a', 'b', 'c', 'd'],
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(f.state.data).toMatchObject({ batchSize: 2, doneCount: 2 });
  });

  it('10005 for a single account is dead-lettered with the reason', async () => {
    const { api } = scriptedApi([outcome('split', 10005)]);
    const f = fakeJob(data(['a']));
    await expect(createSeedProcessor(deps(api))(f.job, 't')).rejects.toBeInstanceOf(bullmq.UnrecoverableError);
    expect(f.state.data.verdict?.errorCode).toBe(10005);
  });

  it('a refused UserSig is renewed once; refused again, the fleet pauses and the job waits for it (no failure)', async () => {
    const { api, calls } = scriptedApi([outcome('resign', 70001), outcome('resign', 70001), OK]);
    const sig = userSig(true);
    const d = deps(api, { userSig: sig });
    const f = fakeJob(data());
    expect(await createSeedProcessor(d)(f.job, 't')).toEqual({ calls: 3, seeded: 4 });
    expect(sig.renewals).toBe(1);
    expect(d.pauseAccount).toHaveBeenCalledWith(expect.objectContaining({ errorCode: 70001 }), ' (again after a fresh UserSig)');
    expect(calls).toHaveLength(3);
    expect(f.state.data.verdict).toBeUndefined();
  });

  it('a rate refusal delays the job without using an attempt, and remembers since when', async () => {
    const { api } = scriptedApi([outcome('slow-down', 60007)]);
    const f = fakeJob(data());
    await expect(createSeedProcessor(deps(api))(f.job, 't')).rejects.toBeInstanceOf(bullmq.DelayedError);
    expect(f.fake.moveToDelayed).toHaveBeenCalledTimes(1);
    expect(f.state.data.refusedSince).toBeTypeOf('number');
  });

  it('refused for rate longer than slowDownGiveUpMs: dead-lettered with the code', async () => {
    const { api } = scriptedApi([outcome('slow-down', 60007)]);
    const f = fakeJob({ ...data(), refusedSince: Date.now() - 120_000 });
    await expect(createSeedProcessor(deps(api))(f.job, 't')).rejects.toBeInstanceOf(bullmq.UnrecoverableError);
    expect(f.state.data.verdict?.errorCode).toBe(60007);
  });

  it('held back by this process (no answer from Tencent): delayed, never counted as a refusal', async () => {
    const { api } = scriptedApi([outcome('slow-down', null, null)]);
    const f = fakeJob(data());
    await expect(createSeedProcessor(deps(api))(f.job, 't')).rejects.toBeInstanceOf(bullmq.DelayedError);
    expect(f.state.data.refusedSince).toBeUndefined();
  });

  it('a transient failure uses an attempt; the last attempt dead-letters with the reason', async () => {
    const first = scriptedApi([outcome('retry', 10002)]);
    await expect(createSeedProcessor(deps(first.api))(fakeJob(data(), 0, 3).job, 't')).rejects.toBeInstanceOf(TransientCallError);
    const last = scriptedApi([outcome('retry', 10002)]);
    const f = fakeJob(data(), 2, 3);
    await expect(createSeedProcessor(deps(last.api))(f.job, 't')).rejects.toBeInstanceOf(bullmq.UnrecoverableError);
    expect(f.state.data.verdict?.errorInfo).toContain('attempts used up');
  });

  it('an account answer that reached the job (the gate could not record it): delayed, no attempt used', async () => {
    const { api } = scriptedApi([outcome('account', 70009)]);
    const f = fakeJob(data());
    await expect(createSeedProcessor(deps(api))(f.job, 't')).rejects.toBeInstanceOf(bullmq.DelayedError);
    expect(f.state.data.verdict).toBeUndefined();
  });

  it('skips without a call when told to (an ended campaign)', async () => {
    const { api, calls } = scriptedApi([]);
    const result = await createSeedProcessor(deps(api, { skip: () => Promise.resolve('campaign ended') }))(fakeJob(data()).job, 't');
    expect(result).toEqual({ calls: 0, seeded: 0, skipped: 'campaign ended' });
    expect(calls).toEqual([]);
  });
});
