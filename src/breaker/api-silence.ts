import type { CallOutcome } from '../tencent/call-outcome.js';
import { isOutageSignal } from './outage-signal.js';

/**
 * How long the Tencent API has left this process's calls unanswered: from the first outage-like
 * failure (`isOutageSignal`: network, timeout, HTTP 5xx) after its last answer until now. Any
 * answer, a room's error code included, shows the API is there and ends the silence. Calls held
 * back by the breaker or the limiter were never sent and are never seen here.
 */
export class ApiSilence {
  /** When the latest answer arrived; the silence never starts before it. */
  #lastAnswerAt = Number.NEGATIVE_INFINITY;
  /** Since when no call has been answered, or null while answers come. */
  #since: number | null = null;

  /** A CallObserver: feed it every call that was sent. */
  readonly observe = (outcome: CallOutcome, sentAt: number): void => {
    if (isOutageSignal(outcome)) {
      // A call sent before the latest answer and failed after it says nothing about the time before that answer.
      this.#since ??= Math.max(sentAt, this.#lastAnswerAt);
      return;
    }
    this.#lastAnswerAt = Date.now();
    this.#since = null;
  };

  /** Milliseconds without an answer since a call failed like an outage; 0 while the API answers. */
  silentForMs(now = Date.now()): number {
    return this.#since === null ? 0 : Math.max(0, now - this.#since);
  }
}
