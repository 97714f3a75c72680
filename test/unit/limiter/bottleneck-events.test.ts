import Bottleneck from 'bottleneck/light.js';
import { describe, expect, it } from 'vitest';
import { skipUnheardEvents, type BottleneckEvents } from '../../../src/limiter/bottleneck-events.js';

/** A local Bottleneck whose events are patched, and the names that still reached Bottleneck's own trigger. */
function patchedLimiter(): { limiter: Bottleneck; reached: string[] } {
  const limiter = new Bottleneck({ maxConcurrent: 1 });
  const events = (limiter as unknown as { Events: BottleneckEvents }).Events;
  const reached: string[] = [];
  const own = events.trigger.bind(events);
  events.trigger = (name, ...args) => {
    reached.push(name);
    return own(name, ...args);
  };
  skipUnheardEvents(events);
  return { limiter, reached };
}

describe("skipUnheardEvents: Bottleneck's events cost nothing when nobody listens", () => {
  it('lets through only the events someone listens to, with their arguments', async () => {
    const { limiter, reached } = patchedLimiter();
    const done: unknown[] = [];
    limiter.on('done', (info: { args: unknown[] }) => done.push(info.args));
    expect(await limiter.schedule((n: number) => Promise.resolve(n * 2), 21)).toBe(42);
    await limiter.schedule(() => Promise.resolve(0));
    // Unpatched, Bottleneck's trigger runs for received, queued, scheduled, executing, done and a debug line for each.
    expect(reached).toEqual(['done', 'done']);
    expect(done).toEqual([[21], []]);
  });

  it("passes a listener's answer back to Bottleneck (a failed job's retry delay)", async () => {
    const { limiter } = patchedLimiter();
    limiter.on('failed', () => 5);
    let tries = 0;
    const result = await limiter.schedule(() => (++tries === 1 ? Promise.reject(new Error('first try fails')) : Promise.resolve('ok')));
    expect(result).toBe('ok');
    expect(tries).toBe(2);
  });

  it('with a debug listener, every event goes through as before', async () => {
    const { limiter, reached } = patchedLimiter();
    const lines: string[] = [];
    limiter.on('debug', (line: string) => lines.push(line));
    await limiter.schedule(() => Promise.resolve());
    expect(reached).toEqual(expect.arrayContaining(['received', 'queued', 'scheduled', 'executing', 'done']));
    expect(lines).toContain('Event triggered: done');
  });
});
