import type { CallOutcome } from '../../src/tencent/call-outcome.js';

/** A call outcome for tests of the send path: the kind, Tencent's code and the HTTP status matter; the rest is filler. */
export function outcome(kind: CallOutcome['kind'], errorCode: number | null, httpStatus: number | null): CallOutcome {
  return { kind, errorCode, errorInfo: 'x', httpStatus, requestId: null, durationMs: 1 };
}
