import { setTimeout as sleep } from 'node:timers/promises';
import { ApiSilence } from '../breaker/api-silence.js';
import type { AccountProblem } from '../breaker/account-pause.js';
import { CallStats, type CallStatsSnapshot } from '../metrics/call-stats.js';
import { isDrained, type QueueStatus } from '../queue/queue-status.js';
import { readQueuesTotal, type QueueRuntime } from './queue-runtime.js';
import { startWorkerProcess } from './worker-process.js';

/** How far the work is, for a progress line. */
export interface WorkOffProgress {
  /** Jobs seeded or dead-lettered so far. */
  readonly finished: number;
  readonly seeded: number;
  readonly retried: number;
  readonly calls: CallStatsSnapshot;
  /** The API answers nothing: the breaker holds the calls and probes. */
  readonly apiHeld: boolean;
}

/** Why the work stopped: all done, stopped by the caller, an app's account refused, or the API silent too long. */
export type WorkOffEnd =
  | { readonly kind: 'drained' }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'paused'; readonly problem: AccountProblem | null }
  | { readonly kind: 'unreachable' };

export interface WorkOffResult {
  readonly end: WorkOffEnd;
  /** The figures when the work stopped. */
  readonly progress: WorkOffProgress;
  readonly seeded: number;
  readonly retried: number;
  readonly deadLetteredByCode: ReadonlyMap<string, number>;
  readonly calls: CallStatsSnapshot;
  /** The apps' queues when the work stopped. */
  readonly queue: QueueStatus;
}

export interface WorkOffOptions {
  /** RUN_API_UNREACHABLE_MS: stop once the API has answered none of the calls for this long. */
  readonly giveUpMs: number;
  readonly signal: AbortSignal;
  /** About four times a second. */
  readonly onProgress: (p: WorkOffProgress) => void;
  /** Once, when the API has been silent for half of `giveUpMs`. */
  readonly onSilent: (silentMs: number) => void;
}

/**
 * `run`'s second half: the same worker as `worker` (campaign jobs it happens to work count in
 * their runs' reports; an ended campaign's adds are skipped), without firing campaign runs, on
 * `queues` until they are drained, the signal aborts, an app's account is refused (nothing of
 * it would be seeded until fixed), or the API answers nothing for `giveUpMs` (a wrong base URL
 * or region, an outage: calls are held or retried, so say so rather than look stuck).
 */
export async function workOff(queues: readonly QueueRuntime[], o: WorkOffOptions): Promise<WorkOffResult> {
  let seeded = 0;
  let retried = 0;
  const deadLetteredByCode = new Map<string, number>();
  const silence = new ApiSilence();
  const stats = new CallStats();
  const status = (): Promise<QueueStatus> => readQueuesTotal(queues);
  const worker = await startWorkerProcess(queues, {
    campaignRuns: false,
    observers: () => [silence.observe, (outcome, sentAt) => stats.record(outcome, sentAt)],
    events: () => ({
      onCompleted: () => (seeded += 1),
      onRetry: () => (retried += 1),
      onDeadLettered: (e) => {
        const key = String(e.errorCode ?? 'none');
        deadLetteredByCode.set(key, (deadLetteredByCode.get(key) ?? 0) + 1);
      },
    }),
  });
  const progress = (apiHeld: boolean): WorkOffProgress => ({
    finished: seeded + [...deadLetteredByCode.values()].reduce((a, b) => a + b, 0),
    seeded,
    retried,
    calls: stats.snapshot(),
    apiHeld,
  });
  let end: WorkOffEnd = { kind: 'interrupted' };
  let warnedSilent = false;
  let apiHeld = false;
  try {
    while (!o.signal.aborted) {
      if (isDrained(await status())) {
        end = { kind: 'drained' };
        break;
      }
      const refused = await firstHeld(worker.runtimes.map((r) => r.accountPause));
      if (refused !== undefined) {
        end = { kind: 'paused', problem: await refused.read() };
        break;
      }
      apiHeld = (await Promise.all(worker.runtimes.map((r) => r.breaker.state()))).includes('open');
      const silentMs = silence.silentForMs();
      if (silentMs >= o.giveUpMs) {
        end = { kind: 'unreachable' };
        break;
      }
      if (!warnedSilent && silentMs >= o.giveUpMs / 2) {
        warnedSilent = true;
        o.onSilent(silentMs);
      }
      o.onProgress(progress(apiHeld));
      await sleep(250);
    }
  } finally {
    await worker.close();
  }
  return { end, progress: progress(apiHeld), seeded, retried, deadLetteredByCode, calls: stats.snapshot(), queue: await status() };
}

/** The first of the apps' account pauses that holds, if any. */
async function firstHeld<T extends { holds(): Promise<boolean> }>(pauses: readonly T[]): Promise<T | undefined> {
  const held = await Promise.all(pauses.map((p) => p.holds()));
  return pauses.find((_, i) => held[i]);
}
