import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { heapSpace } from './heap-space.js';

const MB = 1024 * 1024;
/** Where a worker runs it: twice the live heap of a busy worker (about 10 MB). */
export const WORKER_FIRST_COLLECTION_MB = 20;
const CHECK_EVERY_MS = 1000;

export interface FirstFullCollectionOptions {
  /** Reads the old generation's used bytes; default: V8's `old_space` statistics. */
  readonly oldBytes?: () => number;
  /** Runs a full collection; default: V8's `gc()`. */
  readonly collect?: () => void;
  /** Told what the collection did. */
  readonly onCollected?: (report: { readonly beforeMb: number; readonly afterMb: number; readonly pauseMs: number }) => void;
}

export interface FirstFullCollection {
  stop(): void;
}

/**
 * One full garbage collection, early, in a long-running worker process. After start-up V8 lets
 * the old generation grow far past a worker's live heap (some 10 MB): garbage piles up there for
 * a minute or more, 20–25 MB of resident memory, until V8's first full collection under load;
 * from then on V8 sizes its limit to the live heap and the pile stays small. This runs that
 * collection when the old generation first holds `thresholdMb`, once (a pause of 10–20 ms; a
 * call whose slot it delays is booked again, never sent late). Measured in BENCHMARKS.md ("One
 * worker with a million jobs queued").
 */
export function collectOnceAt(thresholdMb: number, o: FirstFullCollectionOptions = {}): FirstFullCollection {
  const oldBytes = o.oldBytes ?? (() => heapSpace('old_space').space_used_size);
  const collect = o.collect ?? v8Collect;
  const timer = setInterval(() => {
    const before = oldBytes();
    if (before < thresholdMb * MB) return;
    clearInterval(timer);
    const started = performance.now();
    collect();
    o.onCollected?.({ beforeMb: round(before / MB), afterMb: round(oldBytes() / MB), pauseMs: round(performance.now() - started) });
  }, CHECK_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** V8's `gc()`, which Node gives only to processes started with --expose-gc, or to contexts made after the flag is set. */
function v8Collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
