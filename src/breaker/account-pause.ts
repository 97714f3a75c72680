import type { Logger } from '../log/logger.js';
import type { RedisClient } from '../redis/redis-client.js';
import type { CallOutcome } from '../tencent/call-outcome.js';

/** Why the fleet is paused: the answer about the app or account, and under which configuration it came. */
export interface AccountProblem {
  readonly errorCode: number | null;
  readonly errorInfo: string;
  /** When the pause began (ISO 8601). */
  readonly since: string;
  /** `accountFingerprint` of the configuration that got the answer: a process configured otherwise is not held. */
  readonly configuration: string;
}

export interface AccountPauseOptions {
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly logger: Logger;
  /** This process's `accountFingerprint`; null for a process that only reads or lifts the pause (`status`, `resume`, `serve`). */
  readonly configuration: string | null;
}

/** What an operator does about a pause: in the log, in `status` and in `run`'s error. */
export const ACCOUNT_PAUSE_HINT =
  "fix TIM_SECRET_KEY, TIM_ADMIN, TIM_SDKAPPID or TIM_REGION (with APPS_FILE: the app's entry or its secret key variable), or the app in the Chat console (package, IP allowlist), and restart the workers with it, or run `robot-seeder resume` once it is fixed";

/** The shared state is read at most this often: calls see a pause within it, at one GET per process. */
const STATE_MAX_AGE_MS = 200;

/** Lifts the pause only if it is still the one that was read (another may have begun since). */
const LIFT_IF_SAME = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
type LiftCommand = (key: string, expected: string) => Promise<number>;

/**
 * The account breaker: an answer about the app or its admin account (a wrong secret key or
 * SDKAppID, an admin that does not exist, an expired package, a blocked IP) would come back for
 * every room, so instead of dead-lettering room after room the whole fleet pauses, through one
 * key in Redis without expiry. Calls wait (no attempt used, nothing dead-lettered) until the pause
 * is lifted: by `robot-seeder resume`, or by a worker whose configuration differs from the one
 * that got the answer, as soon as one of its calls succeeds. Such a worker is not held meanwhile.
 */
export class AccountPause {
  readonly #redis: RedisClient;
  readonly #key: string;
  readonly #log: Logger;
  readonly #configuration: string | null;
  readonly #lift: LiftCommand;
  /** What this process last read: the raw value (for a safe lift) and whether it holds this process. */
  #seen: { readonly raw: string | null; readonly holds: boolean; readonly at: number } = {
    raw: null,
    holds: false,
    at: Number.NEGATIVE_INFINITY,
  };
  #reading: Promise<boolean> | null = null;

  constructor(o: AccountPauseOptions) {
    this.#redis = o.redis;
    this.#key = `${o.prefix}:account:paused`;
    this.#log = o.logger.child({ component: 'account' });
    this.#configuration = o.configuration;
    o.redis.defineCommand('robotSeederLiftAccountPause', { numberOfKeys: 1, lua: LIFT_IF_SAME });
    this.#lift = (o.redis as unknown as Record<'robotSeederLiftAccountPause', LiftCommand>).robotSeederLiftAccountPause.bind(o.redis);
  }

  /** Whether this process's calls are held, as last seen: for the check at the limiter slot, which must not wait. */
  get holding(): boolean {
    return this.#seen.holds;
  }

  /** Whether this process's calls must wait now; reads Redis at most once per STATE_MAX_AGE_MS. */
  holds(): Promise<boolean> {
    if (performance.now() - this.#seen.at < STATE_MAX_AGE_MS) return Promise.resolve(this.#seen.holds);
    this.#reading ??= this.#redis
      .get(this.#key)
      .then((raw) => this.#see(raw))
      .finally(() => (this.#reading = null));
    return this.#reading;
  }

  /** Pauses the fleet for this answer; the first reason stays until the pause is lifted. */
  async pause(outcome: CallOutcome, note: string): Promise<void> {
    const problem: AccountProblem = {
      errorCode: outcome.errorCode,
      errorInfo: outcome.errorInfo + note,
      since: new Date().toISOString(),
      configuration: this.#configuration ?? '',
    };
    const raw = JSON.stringify(problem);
    const set = await this.#redis.set(this.#key, raw, 'NX');
    this.#see(set === 'OK' ? raw : await this.#redis.get(this.#key));
  }

  /** The pause as stored, or null: for `status`, `/metrics` and `resume`. */
  async read(): Promise<AccountProblem | null> {
    return parseProblem(await this.#redis.get(this.#key));
  }

  /** Lifts the pause (`robot-seeder resume`); returns what it was, or null if there was none. */
  async resume(): Promise<AccountProblem | null> {
    const [[, raw]] = (await this.#redis.multi().get(this.#key).del(this.#key).exec()) as [[Error | null, string | null]];
    return parseProblem(raw);
  }

  /**
   * A call of this process was answered normally. If the fleet is paused for an answer another
   * configuration got, this one proves the mistake fixed: the pause is lifted for every process.
   */
  async answered(): Promise<void> {
    const raw = this.#seen.raw;
    if (raw === null || this.#seen.holds) return;
    if ((await this.#lift(this.#key, raw)) === 1) {
      this.#log.warn({ configuration: this.#configuration }, 'account pause lifted: a worker with a new configuration got answers again');
    }
    this.#see(null);
  }

  #see(raw: string | null): boolean {
    const problem = parseProblem(raw);
    const holds = problem !== null && (this.#configuration === null || problem.configuration === this.#configuration);
    if (holds && !this.#seen.holds) {
      this.#log.error(
        { errorCode: problem.errorCode, errorInfo: problem.errorInfo, since: problem.since },
        `ACCOUNT PAUSED: Tencent refused the app's account, not a room; every worker holds its calls (no attempt used, nothing dead-lettered). To go on: ${ACCOUNT_PAUSE_HINT}`,
      );
    } else if (!holds && this.#seen.holds) {
      this.#log.warn('account pause lifted; calls go out again');
    }
    this.#seen = { raw, holds, at: performance.now() };
    return holds;
  }
}

/** What to tell an operator about a pause: the answer, and how to go on. */
export function describeAccountProblem(p: AccountProblem): string {
  return `Tencent refused the app's account since ${p.since}: ${p.errorCode ?? 'no code'} ${p.errorInfo}`;
}

function parseProblem(raw: string | null): AccountProblem | null {
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as Partial<AccountProblem>;
    return {
      errorCode: typeof v.errorCode === 'number' ? v.errorCode : null,
      errorInfo: typeof v.errorInfo === 'string' ? v.errorInfo : '',
      since: typeof v.since === 'string' ? v.since : '',
      configuration: typeof v.configuration === 'string' ? v.configuration : '',
    };
  } catch {
    // Something else wrote the key: still a pause, of unknown cause, that `resume` lifts.
    return { errorCode: null, errorInfo: 'unreadable pause record', since: '', configuration: '' };
  }
}
