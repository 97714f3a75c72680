import type { Priority } from '../domain/priority.js';
import type { RobotCommand } from '../domain/robot-command.js';

/**
 * What one call to the Tencent REST API came to, decided in exactly one place
 * (`classify-outcome.ts`). The worker only translates these kinds into queue actions.
 *
 * - success:   the robots are set.
 * - retry:     transient (10002, timeouts, HTTP 5xx, connection resets): back off, use an attempt.
 * - slow-down: the app is over its rate (60007, 60011, 60018, 60019, 10006): wait, do not use an attempt.
 * - resign:    the UserSig is expired or rejected: make a new one and retry once.
 * - split:     10005, too many accounts in one request: retry in smaller batches.
 * - account:   the answer is about the app or its admin account, not the room (a wrong key or
 *              SDKAppID, no admin, package expired, IP not allowed): every call would get it, so
 *              the whole fleet pauses (`AccountPause`); no job uses an attempt or is dead-lettered.
 * - permanent: retrying cannot help (10004, 10007, 10010, 10015, ...): dead-letter.
 */
export type OutcomeKind = 'success' | 'retry' | 'slow-down' | 'resign' | 'split' | 'account' | 'permanent';

export interface CallOutcome {
  readonly kind: OutcomeKind;
  /** Tencent's ErrorCode; 0 on success; null when there is none (HTTP status, network error). */
  readonly errorCode: number | null;
  /** Tencent's ErrorInfo, or a description of the HTTP/network failure. Never holds a secret. */
  readonly errorInfo: string;
  /** HTTP status when an answer came, null for network failures. */
  readonly httpStatus: number | null;
  /** Tencent's RequestId when the answer carried one (support asks for it). */
  readonly requestId: string | null;
  /** How long the call took, in milliseconds. */
  readonly durationMs: number;
}

/**
 * Sees each call that was really sent (run reports, Prometheus metrics): its outcome and when it
 * left (ms since the epoch). Called by the Tencent client, inside the limiter: it sees every call
 * that left and none of the limiter's own held-back answers.
 */
export type CallObserver = (outcome: CallOutcome, sentAt: number) => void;

/** The robot APIs as the worker uses them: one call, its outcome. Never throws for API or network failures. */
export interface RobotsApi {
  /** `priority`: the job's lane, so that a high job's call goes ahead of low ones waiting in the same worker. */
  call(command: RobotCommand, groupId: string, robots: readonly string[], priority?: Priority): Promise<CallOutcome>;
  close(): Promise<void>;
}

/** A request made ready (signed, serialised): sending it does nothing else first. */
export interface PreparedCall {
  /**
   * Sends the request. `sendBy` (a `performance.now()` instant): if no connection can write it by
   * then (a connection still opening, a busy event loop), it is not written at all and this throws
   * CallNotSentError, so that a call never reaches the API later than its slot allows.
   */
  send(sendBy?: number): Promise<CallOutcome>;
}

/** The request was not written: its `sendBy` had passed when a connection was ready for it. Nothing reached the API. */
export class CallNotSentError extends Error {
  override readonly name = 'CallNotSentError';
}

/**
 * The Tencent client as the limiter drives it: everything a call needs is done before its slot
 * comes (`prepare`), so that nothing stands between the slot and the request leaving.
 */
export interface RobotsClient {
  prepare(command: RobotCommand, groupId: string, robots: readonly string[]): PreparedCall;
  close(): Promise<void>;
}
