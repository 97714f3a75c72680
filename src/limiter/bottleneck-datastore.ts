import Bottleneck from 'bottleneck/light.js';
import { skipUnheardEvents, type BottleneckEvents } from './bottleneck-events.js';

/**
 * The datastore contract of Bottleneck 2.19.5 (pinned exactly in package.json), the seam its
 * own local and Redis datastores plug into. Bottleneck keeps the queue, the priorities and each
 * job's life cycle; a datastore decides when a queued job may run (`__register__` → `wait` ms).
 * robot-seeder plugs its fleet slot store in here instead of Bottleneck's Redis datastore, whose
 * three Lua round trips per call, integer-only spacing and unrecoverable lost keys (it expects
 * the error text `SETTINGS_KEY_NOT_FOUND`, Redis 7 says `ERR SETTINGS_KEY_NOT_FOUND`) are what
 * this project could not live with. `test/unit/limiter/bottleneck-datastore.test.ts` holds the
 * contract to the installed Bottleneck.
 */
export interface BottleneckDatastore {
  readonly ready: Promise<unknown>;
  readonly clients: Record<string, never>;
  readonly clientId: string;
  __submit__(queueLength: number, weight: number): Promise<{ reachedHWM: boolean; blocked: boolean; strategy: number }>;
  __register__(
    index: string,
    weight: number,
    expiration: number | null,
  ): Promise<{ success: boolean; wait?: number; reservoir?: number | null }>;
  __free__(index: string, weight: number): Promise<{ running: number }>;
  __disconnect__(flush: boolean): Promise<void>;
  __running__(): Promise<number>;
  __queued__(): Promise<number>;
  __done__(): Promise<number>;
  __check__(weight: number): Promise<boolean>;
  __groupCheck__(): Promise<boolean>;
  __updateSettings__(options: unknown): Promise<boolean>;
  __incrementReservoir__(incr: number): Promise<number>;
  __currentReservoir__(): Promise<number | null>;
  __publish__(message: string): Promise<void>;
}

/** What a datastore may call back on its limiter: Bottleneck's own datastores do the same. */
export interface DrainableLimiter {
  /** Jobs waiting in the limiter's queues (public API). */
  queued(): number;
  /** Registers queued jobs while the datastore grants them (Bottleneck's datastores call it when capacity appears). */
  drain(): void;
}

interface BottleneckInternals {
  _store: BottleneckDatastore;
  Events: BottleneckEvents;
  _drainAll(capacity?: number): Promise<number>;
}

/** A Bottleneck whose datastore is `store`: queue and priorities are Bottleneck's, timing is the store's. */
export function bottleneckOn(store: BottleneckDatastore & { attach(limiter: DrainableLimiter): void }, id: string): Bottleneck {
  const limiter = new Bottleneck({ id, datastore: 'local', maxConcurrent: null, minTime: 0 });
  const internals = limiter as unknown as BottleneckInternals;
  internals._store = store;
  skipUnheardEvents(internals.Events);
  store.attach({ queued: () => limiter.queued(), drain: () => void internals._drainAll() });
  return limiter;
}
