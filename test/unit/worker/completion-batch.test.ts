import { afterEach, describe, expect, it, vi } from 'vitest';
import { completionBatch, type Corkable } from '../../../src/worker/completion-batch.js';

/** A socket that records cork and uncork, and what was resolved while it was corked. */
function fakeSocket(log: string[]): Corkable {
  return { cork: () => log.push('cork'), uncork: () => log.push('uncork') };
}

describe('completionBatch', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands results over together, holdMs after the first one, with the socket corked around the hand-over', async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const batch = completionBatch({ holdMs: 100, socket: () => fakeSocket(log) });
    const results = [1, 2, 3].map((n) => batch.hold(n).then((v) => log.push(`result ${v}`)));
    await vi.advanceTimersByTimeAsync(60);
    const late = batch.hold(4).then((v) => log.push(`result ${v}`));
    await vi.advanceTimersByTimeAsync(39);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([...results, late]);
    await vi.runAllTimersAsync();
    // Every result resolved while corked, so the commands they lead to are written once uncorked.
    expect(log).toEqual(['cork', 'result 1', 'result 2', 'result 3', 'result 4', 'uncork']);
  });

  it('starts a new hold with the next result, and corks nothing for a result alone', async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const socket = vi.fn(() => fakeSocket(log));
    const batch = completionBatch({ holdMs: 100, socket });
    const first = batch.hold('a');
    await vi.advanceTimersByTimeAsync(100);
    await expect(first).resolves.toBe('a');
    let second = false;
    void batch.hold('b').then(() => (second = true));
    await vi.advanceTimersByTimeAsync(99);
    expect(second).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(second).toBe(true);
    expect(socket).not.toHaveBeenCalled();
    expect(log).toEqual([]);
  });

  it('hands over at once what it holds at close, and holds nothing after', async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const batch = completionBatch({ holdMs: 100, socket: () => fakeSocket(log) });
    const held = Promise.all([batch.hold(1), batch.hold(2)]);
    batch.close();
    await expect(held).resolves.toEqual([1, 2]);
    await expect(batch.hold(3)).resolves.toBe(3);
    await vi.runAllTimersAsync();
    expect(log).toEqual(['cork', 'uncork']);
  });

  it.each([
    ['on a Redis Cluster (no one socket)', null],
    ['before the first connection (no socket yet)', undefined],
  ])('hands over without corking %s', async (_, socket) => {
    vi.useFakeTimers();
    const batch = completionBatch({ holdMs: 10, socket: () => socket });
    const held = Promise.all([batch.hold(1), batch.hold(2)]);
    await vi.advanceTimersByTimeAsync(10);
    await expect(held).resolves.toEqual([1, 2]);
    await vi.runAllTimersAsync();
  });
});
