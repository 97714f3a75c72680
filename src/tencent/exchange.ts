import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { CallNotSentError } from './call-outcome.js';

/** An HTTP answer, its body read whole. */
export interface RawAnswer {
  readonly statusCode: number;
  readonly body: string;
}

/**
 * One request on `pool`, its answer read whole: what undici's `request()` followed by
 * `body.text()` gives, without what they add to every call of the hot path (an async resource,
 * a Readable stream for the body, the headers parsed into an object, two promises).
 *
 * With `sendBy` (a `performance.now()` instant) the request is written by then or not at all:
 * undici calls a request's `onConnect` when a connected socket is about to write it, after any
 * wait for a connection to open, the last moment before it leaves. Throwing there fails the
 * request unwritten (CallNotSentError) and leaves the connection open for the next.
 *
 * The handler is of the form undici 7's own handlers have (`onConnect` … `onComplete`); the
 * newer form (`onRequestStart` …) reaches the pool through a wrapper that also parses every
 * answer's headers, which nothing here reads. Size and time limits are the pool's.
 */
export function exchange(pool: Pick<Dispatcher, 'dispatch'>, options: Dispatcher.DispatchOptions, sendBy?: number): Promise<RawAnswer> {
  return new Promise<RawAnswer>((resolve, reject) => {
    pool.dispatch(options, new AnswerReader(resolve, reject, sendBy));
  });
}

class AnswerReader implements Dispatcher.DispatchHandler {
  #statusCode = 0;
  readonly #chunks: Buffer[] = [];

  constructor(
    private readonly resolve: (answer: RawAnswer) => void,
    private readonly reject: (err: Error) => void,
    private readonly sendBy: number | undefined,
  ) {}

  onConnect(): void {
    if (this.sendBy === undefined) return;
    const lateMs = performance.now() - this.sendBy;
    if (lateMs > 0) throw new CallNotSentError(`not sent: a connection was ready ${lateMs.toFixed(1)} ms after its slot allowed`);
  }

  onHeaders(statusCode: number): boolean {
    // 1xx answers come before the final one: only the last status counts.
    this.#statusCode = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    const chunks = this.#chunks;
    const body = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
    this.resolve({ statusCode: this.#statusCode, body });
  }

  onError(err: Error): void {
    this.reject(err);
  }
}
