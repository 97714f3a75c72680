/** Bottleneck 2.19.5's event emitter (`limiter.Events`), the part of it this patch reads. */
export interface BottleneckEvents {
  trigger(name: string, ...args: unknown[]): Promise<unknown>;
  listenerCount(name: string): number;
}

const NOTHING: Promise<undefined> = Promise.resolve(undefined);

/**
 * Bottleneck announces every step of every job (received, queued, scheduled, executing, done,
 * and a `debug` line for each of those and for more) through an `async trigger` that runs whether
 * anyone listens or not: about a dozen promises per call. Patched here so that an event nobody
 * listens to, while nobody listens to `debug` either, costs one check; an event with listeners
 * goes Bottleneck's own way, unchanged. `test/unit/limiter/bottleneck-events.test.ts` holds this
 * to the installed Bottleneck.
 */
export function skipUnheardEvents(events: BottleneckEvents): void {
  const trigger = events.trigger.bind(events);
  events.trigger = (name, ...args) =>
    events.listenerCount(name) === 0 && events.listenerCount('debug') === 0 ? NOTHING : trigger(name, ...args);
}
