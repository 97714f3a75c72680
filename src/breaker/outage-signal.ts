import type { CallOutcome } from '../tencent/call-outcome.js';

/**
 * Whether an outcome says "the API is unreachable or broken" rather than "this call failed":
 * a network failure, a timeout or an HTTP 5xx/408 with no Tencent answer. Answers that name a
 * room's problem (10010, 10004, ...) or Tencent's own transient codes never count, so one
 * dissolved room cannot open the breaker.
 */
export function isOutageSignal(o: CallOutcome): boolean {
  return o.kind === 'retry' && o.errorCode === null;
}
