import type { Job } from 'bullmq';
import { bullmq } from '../commonjs/bullmq.js';
import type { Logger } from '../log/logger.js';
import type { CallOutcome, RobotsApi } from '../tencent/call-outcome.js';
import type { UserSigSource } from '../tencent/user-sig-source.js';
import { laneOfQueuePriority } from '../domain/priority.js';
import { parseSeedJobData, type JobVerdict, type SeedJobData } from '../queue/seed-job.js';

export interface SeedProcessorDeps {
  /** The rate-limited client: every call it makes has passed the shared limiter. */
  readonly api: RobotsApi;
  readonly userSig: UserSigSource;
  readonly logger: Logger;
  /** How long a job waits after a rate-limit answer; up to 50% jitter is added. */
  readonly slowDownDelayMs: number;
  /** A job Tencent has refused for rate for this long is dead-lettered with the refusal's code. */
  readonly slowDownGiveUpMs: number;
  /**
   * Pauses the whole fleet for an answer about the app or account (`AccountPause`): a UserSig
   * refused again after a fresh one. The job's next call then waits until the pause is lifted.
   */
  readonly pauseAccount: (outcome: CallOutcome, note: string) => Promise<void>;
  /** Asked before each attempt: a reason to complete the job without calling (e.g. its campaign ended), or null. */
  readonly skip?: (data: SeedJobData) => Promise<string | null>;
}

/** What a completed seed job returns (kept in its `returnvalue`). */
export interface SeedResult {
  readonly calls: number;
  readonly seeded: number;
  /** Set when the job completed without calling, and why. */
  readonly skipped?: string;
}

/**
 * Why a 10005 ("too many accounts") for a call of a single account is final. The likely cause, as
 * add_robots sets member tag 500: the room already has as many members with that tag as Tencent's
 * member-tags API allows (1,000 per tag).
 */
const SINGLE_ACCOUNT_REFUSED =
  ' (refused as too many accounts for a call of this one account alone: splitting cannot go further; the room may hold as many robots as Tencent allows, 1,000 members per tag)';

/** A transient failure: BullMQ retries it with exponential backoff, using an attempt. */
export class TransientCallError extends Error {
  override readonly name = 'TransientCallError';
}

/**
 * Turns outcomes into queue actions; the deciding (what is transient, what is final) happened
 * in the Tencent client. A final answer is written into the job (its verdict) before the job
 * fails, so that a worker dying in between does not lead to calling again after a permanent answer.
 */
export function createSeedProcessor(deps: SeedProcessorDeps) {
  return async function processSeedJob(job: Job, token?: string): Promise<SeedResult> {
    const data = readJobData(job);
    if (data.verdict !== undefined) throw new bullmq.UnrecoverableError(describeVerdict(data.verdict));
    // Added to the few lines a job logs; a child logger per job would cost every call one.
    const about = { jobId: job.id, groupId: data.groupId };
    const skipped = (await deps.skip?.(data)) ?? null;
    if (skipped !== null) {
      deps.logger.info({ ...about, reason: skipped }, 'job skipped without a call');
      return { calls: 0, seeded: 0, skipped };
    }
    const lane = laneOfQueuePriority(job.priority);
    let done = data.doneCount ?? 0;
    let batchSize = data.batchSize ?? data.robots.length;
    let calls = 0;
    let resigned = false;

    const fail = async (outcome: CallOutcome, note = ''): Promise<never> => {
      const verdict: JobVerdict = { errorCode: outcome.errorCode, errorInfo: outcome.errorInfo + note };
      await job.updateData({ ...data, batchSize, doneCount: done, verdict } satisfies SeedJobData);
      deps.logger.info(
        { ...about, errorCode: verdict.errorCode, requestId: outcome.requestId },
        'final answer; the job goes to the dead letters',
      );
      throw new bullmq.UnrecoverableError(describeVerdict(verdict));
    };

    while (done < data.robots.length) {
      const batch = data.robots.slice(done, done + batchSize);
      const outcome = await deps.api.call(data.command, data.groupId, batch, lane);
      calls += 1;
      switch (outcome.kind) {
        case 'success':
          done += batch.length;
          if (done < data.robots.length) await job.updateData({ ...data, batchSize, doneCount: done });
          break;
        case 'split':
          // Halving stops at one account: a call of one account refused as too many cannot pass smaller.
          if (batch.length === 1) await fail(outcome, SINGLE_ACCOUNT_REFUSED);
          batchSize = Math.ceil(batch.length / 2);
          deps.logger.info({ ...about, batchSize }, 'too many accounts for one call; splitting');
          await job.updateData({ ...data, batchSize, doneCount: done });
          break;
        case 'resign':
          if (resigned || !deps.userSig.renew()) {
            // Every call would be refused alike: the key, admin or app is wrong, not this room.
            await deps.pauseAccount(
              outcome,
              deps.userSig.renewable ? ' (again after a fresh UserSig)' : ' (TIM_USERSIG cannot be renewed: set TIM_SECRET_KEY)',
            );
            break;
          }
          resigned = true;
          deps.logger.info({ ...about, errorCode: outcome.errorCode }, 'UserSig refused; signed a new one');
          break;
        case 'account':
          // Reaches here only when the gate could not record the pause (Redis away): wait, no attempt used.
          await job.moveToDelayed(Date.now() + withJitter(deps.slowDownDelayMs), token);
          throw new bullmq.DelayedError();
        case 'slow-down': {
          // Held back by this process (no code, no status) is no answer from Tencent: it never counts.
          const refused = outcome.errorCode !== null || outcome.httpStatus !== null;
          const since = data.refusedSince ?? Date.now();
          if (refused && Date.now() - since >= deps.slowDownGiveUpMs) {
            await fail(
              outcome,
              ` (refused for rate for ${Math.round((Date.now() - since) / 1000)} s: something else uses the app's quota)`,
            );
          }
          if (refused) {
            deps.logger.info({ ...about, errorCode: outcome.errorCode }, 'rate limited by Tencent; delaying the job');
            if (data.refusedSince === undefined) await job.updateData({ ...data, batchSize, doneCount: done, refusedSince: since });
          }
          await job.moveToDelayed(Date.now() + withJitter(deps.slowDownDelayMs), token);
          throw new bullmq.DelayedError();
        }
        case 'retry':
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await fail(outcome, ' (attempts used up)');
          throw new TransientCallError(`${outcome.errorCode ?? 'network'}: ${outcome.errorInfo}`);
        case 'permanent':
          await fail(outcome);
      }
    }
    return { calls, seeded: data.robots.length };
  };
}

/** Job data another version wrote, or something else entirely: no retry can make it readable. */
function readJobData(job: Job): SeedJobData {
  try {
    return parseSeedJobData(job.data);
  } catch (err) {
    throw new bullmq.UnrecoverableError(`unreadable job data: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function describeVerdict(v: JobVerdict): string {
  return `${v.errorCode ?? 'no code'}: ${v.errorInfo}`;
}

function withJitter(ms: number): number {
  return Math.round(ms * (1 + Math.random() * 0.5));
}
