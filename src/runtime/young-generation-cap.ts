import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { heapSpace } from './heap-space.js';

const MB = 1024 * 1024;
/** V8's own growth factor of the young generation (`--semi-space-growth-factor`). */
const V8_GROWTH_FACTOR = 2;

export interface YoungGenerationCapOptions {
  /** The process's Node options (`process.execArgv` and NODE_OPTIONS): an operator's own semi-space flag wins. */
  readonly nodeOptions: readonly string[];
  /** Reads the young generation's size in bytes; default: V8's `new_space` statistics. */
  readonly youngBytes?: () => number;
  /** Sets V8's growth factor; default: `v8.setFlagsFromString`. */
  readonly setGrowthFactor?: (factor: number) => void;
  /** Runs `listener` after each garbage collection, returns how to stop; default: a `gc` PerformanceObserver. */
  readonly afterEachCollection?: (listener: () => void) => () => void;
}

export interface YoungGenerationCap {
  /** Whether the cap is applied (false: 0 asked, or the process sets its own semi-space size). */
  readonly active: boolean;
  stop(): void;
}

/**
 * Keeps V8's young generation at `capMb` (the first of its doublings, 2, 4, 8, 16, 32 MB, at or
 * above it) in a long-running worker process. V8 grows it to 32 MB in any busy process, sized for
 * throughput a worker does not have: at 200 calls/s a worker's short-lived objects die well within
 * 16 MB, and the 16 MB more are resident memory in every worker of a fleet (BENCHMARKS.md, "One
 * worker with a million jobs queued": 15–25 MB less per worker, CPU per call unchanged).
 *
 * Node only sizes the young generation at start-up (`--max-semi-space-size`, which a process cannot
 * give itself), but V8 reads its growth factor at each growth: this sets it to 1 once the young
 * generation has reached the cap, and back to V8's 2 should V8 ever shrink it (an idle spell).
 */
export function capYoungGeneration(capMb: number, o: YoungGenerationCapOptions): YoungGenerationCap {
  if (capMb === 0 || o.nodeOptions.some((option) => option.startsWith('--max-semi-space-size'))) {
    return { active: false, stop: () => undefined };
  }
  // new_space's size is both semi-spaces: the young generation as a whole.
  const youngBytes = o.youngBytes ?? (() => heapSpace('new_space').space_size);
  const setGrowthFactor = o.setGrowthFactor ?? ((factor: number) => setFlagsFromString(`--semi-space-growth-factor=${factor}`));
  const afterEachCollection = o.afterEachCollection ?? observeCollections;
  let capped = false;
  const check = (): void => {
    const atCap = youngBytes() >= capMb * MB;
    if (atCap === capped) return;
    capped = atCap;
    setGrowthFactor(atCap ? 1 : V8_GROWTH_FACTOR);
  };
  check();
  const unsubscribe = afterEachCollection(check);
  return {
    active: true,
    stop() {
      unsubscribe();
      if (capped) setGrowthFactor(V8_GROWTH_FACTOR);
      capped = false;
    },
  };
}

/**
 * The young generation grows (or shrinks) only at a collection, so its size is read after each:
 * a timer came too late (Node 20.20's V8 took a busy process from 1 to 32 MB within 100 ms).
 */
function observeCollections(listener: () => void): () => void {
  const observer = new PerformanceObserver(listener);
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}

/** This process's Node options: its command line's and NODE_OPTIONS. */
export function currentNodeOptions(): string[] {
  return [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/).filter((o) => o !== '')];
}
