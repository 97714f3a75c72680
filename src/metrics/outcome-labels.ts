import type { CallOutcome } from '../tencent/call-outcome.js';

/**
 * The `code` label of a call: Tencent's ErrorCode (`0` on success), else `http_4xx`/`http_5xx`
 * (by status class) for answers without one, else `network`. Buckets, not raw statuses or
 * group ids, keep the number of series small.
 */
export function codeLabel(outcome: CallOutcome): string {
  if (outcome.errorCode !== null) return String(outcome.errorCode);
  if (outcome.httpStatus !== null) return `http_${Math.floor(outcome.httpStatus / 100)}xx`;
  return 'network';
}
