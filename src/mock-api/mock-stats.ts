import type { MockAnswer } from './mock-answer.js';
import { RateWindow, type SecondCount } from './rate-window.js';
import { SlidingWindowMax } from './sliding-window-max.js';

/** How a call ended: HTTP 200 with Tencent OK, HTTP 200 with Tencent FAIL, any other HTTP status, or a cut socket. */
export type MockOutcome = 'ok' | 'fail' | 'http-error' | 'reset';

/** The counts of one stream of calls: one app's, or the whole mock's. */
export interface MockCallStats {
  /** API requests answered or cut (control endpoints under `/_mock/` are not counted). */
  readonly calls: number;
  readonly byOutcome: Readonly<Record<MockOutcome, number>>;
  /** Tencent ErrorCode (as a string key, "0" for OK) → answers carrying it. */
  readonly byCode: Readonly<Record<string, number>>;
  /** HTTP status (as a string key) → answers carrying it; cut sockets have none. */
  readonly byHttpStatus: Readonly<Record<string, number>>;
  /** Calls answered 60007 because their second was already full (scripted 60007s are not counted here). */
  readonly refusedForRate: number;
  /** Calls answered late by a `slow` directive. */
  readonly slowAnswers: number;
  /** Most calls received in any one wall-clock second, refused ones included. */
  readonly busiestSecond: number;
  /** Most calls received in any 1,000 ms, wherever the window starts (a sliding window), refused ones included. */
  readonly busiestSlidingSecond: number;
  /** Calls received per wall-clock second, oldest first (the last hour at most). */
  readonly perSecond: readonly SecondCount[];
}

/**
 * What the mock reports. The counts at the top are of every API call it received, whatever app
 * the call named (one it does not serve, or none, included): what a caller pointed at the mock
 * sent, and for a single-app mock the figures it is judged by. `apps` has each served app's own
 * counts (its calls, its limit's refusals), keyed by its SDKAppID.
 */
export interface MockStats extends MockCallStats {
  readonly apps: Readonly<Record<string, MockCallStats>>;
}

/**
 * Counts one stream of calls (an app's, or the whole mock's): arrivals, with the rate window
 * that refuses those beyond its limit, and then how each was answered.
 */
export class MockStatsRecorder {
  readonly #window: RateWindow;
  readonly #sliding = new SlidingWindowMax();
  #calls = 0;
  #byOutcome: Record<MockOutcome, number> = emptyOutcomes();
  #byCode = new Map<number, number>();
  #byHttpStatus = new Map<number, number>();
  #refusedForRate = 0;
  #slowAnswers = 0;

  /** Pass `Infinity` for a recorder that only counts. */
  constructor(limitPerSecond: number) {
    this.#window = new RateWindow(limitPerSecond);
  }

  /**
   * Counts one arriving call at `nowMs` (wall clock) and `monotonicMs` (`performance.now()`);
   * false when it is refused for the rate: over this limit, or `alreadyRefused` by another one.
   */
  arrive(nowMs: number, monotonicMs: number, alreadyRefused = false): boolean {
    this.#sliding.record(monotonicMs);
    return this.#window.record(nowMs, alreadyRefused).allowed;
  }

  record(answer: MockAnswer, details: { refusedForRate: boolean; slow: boolean }): void {
    this.#calls += 1;
    if (details.refusedForRate) this.#refusedForRate += 1;
    if (details.slow) this.#slowAnswers += 1;
    switch (answer.kind) {
      case 'tencent':
        this.#byOutcome[outcomeOf(answer.httpStatus, answer.errorCode)] += 1;
        bump(this.#byCode, answer.errorCode);
        bump(this.#byHttpStatus, answer.httpStatus);
        break;
      case 'http-status':
        this.#byOutcome['http-error'] += 1;
        bump(this.#byHttpStatus, answer.httpStatus);
        break;
      case 'reset':
        this.#byOutcome.reset += 1;
        break;
    }
  }

  snapshot(): MockCallStats {
    return {
      calls: this.#calls,
      byOutcome: { ...this.#byOutcome },
      byCode: Object.fromEntries([...this.#byCode].map(([code, n]) => [String(code), n])),
      byHttpStatus: Object.fromEntries([...this.#byHttpStatus].map(([status, n]) => [String(status), n])),
      refusedForRate: this.#refusedForRate,
      slowAnswers: this.#slowAnswers,
      busiestSecond: this.#window.busiestSecond(),
      busiestSlidingSecond: this.#sliding.max(),
      perSecond: this.#window.perSecond(),
    };
  }

  reset(): void {
    this.#window.reset();
    this.#sliding.reset();
    this.#calls = 0;
    this.#byOutcome = emptyOutcomes();
    this.#byCode.clear();
    this.#byHttpStatus.clear();
    this.#refusedForRate = 0;
    this.#slowAnswers = 0;
  }
}

function outcomeOf(httpStatus: number, errorCode: number): MockOutcome {
  if (httpStatus !== 200) return 'http-error';
  return errorCode === 0 ? 'ok' : 'fail';
}

function emptyOutcomes(): Record<MockOutcome, number> {
  return { ok: 0, fail: 0, 'http-error': 0, reset: 0 };
}

function bump(counts: Map<number, number>, key: number): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
