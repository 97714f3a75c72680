import type { LevelWithSilent } from 'pino';

/** Everything robot-seeder reads from its environment, parsed once, validated, frozen. */
export interface SeederConfig {
  /** `REDIS_URL`, default `redis://127.0.0.1:6379`. May hold a password: print it only through `redactUrl`. */
  readonly redisUrl: string;
  /** `REDIS_CLUSTER`, default false: REDIS_URL names one node of a Redis Cluster. */
  readonly redisCluster: boolean;
  /** `KEY_PREFIX`, default `{robot-seeder}`: the braces make it a Redis Cluster hash tag, so every key lands in one slot. */
  readonly keyPrefix: string;
  /** `RATE_LIMIT_PER_SECOND`, default 200: the cap on calls per second per SDKAppID, shared by every worker. */
  readonly rateLimitPerSecond: number;
  /** `WORKER_CONCURRENCY`, default 50: jobs one worker process holds at once (waiting for the limiter or in flight). */
  readonly workerConcurrency: number;
  /** `WORKER_MAX_CONCURRENCY`, default 500: the ceiling when concurrency rises to keep the rate as API latency grows. */
  readonly workerMaxConcurrency: number;
  /**
   * `WORKER_YOUNG_GENERATION_MB`, default 16: V8's young generation in a `worker` process stops
   * growing at this size; 0 leaves it to V8 (up to 32 MB).
   */
  readonly workerYoungGenerationMb: number;
  /** `MAX_ROBOTS_PER_CALL`, default 500: longer robot lists are split into several jobs at enqueue time. */
  readonly maxRobotsPerCall: number;
  /**
   * `MAX_ROBOTS_PER_LINE`, default 1000: an input line with more robots is refused. `add_robots` sets
   * member tag 500, and Tencent's member-tags API allows at most 1,000 members per tag.
   */
  readonly maxRobotsPerLine: number;
  /** `ENQUEUE_MEMORY_MB`, default 64: planned jobs of a job file held in memory (estimated) before the rest are spooled to a temporary file; 0 spools all. */
  readonly enqueueMemoryMb: number;
  /** `JOB_ATTEMPTS`, default 8: tries for transient failures (10002, network) before a job is dead-lettered. */
  readonly jobAttempts: number;
  /**
   * `DEAD_LETTER_RETENTION_DAYS`, default 30: workers remove dead letters (entry and failed job)
   * older than this, so rooms that never existed do not pile up forever; 0 keeps them all.
   */
  readonly deadLetterRetentionDays: number;
  /** `BACKOFF_DELAY_MS`, default 1000: first retry delay; doubles each attempt, with up to 50% jitter. */
  readonly backoffDelayMs: number;
  /** `SLOW_DOWN_DELAY_MS`, default 1000: how long a job waits after a rate-limit answer (uses no attempt). */
  readonly slowDownDelayMs: number;
  /**
   * `SLOW_DOWN_GIVE_UP_MS`, default 600000 (10 min): a job Tencent keeps refusing for rate this long
   * is dead-lettered with the refusal's code (the app's quota is taken by something else).
   */
  readonly slowDownGiveUpMs: number;
  /**
   * `RUN_API_UNREACHABLE_MS`, default 60000: `run` stops (exit 5, jobs kept in the queue) when the
   * Tencent API has answered none of its calls for this long. Below the shortest retry span of a
   * job with the default JOB_ATTEMPTS and BACKOFF_DELAY_MS (63.5 s): a run too small to open the
   * circuit breaker stops before its jobs use up their retries on the outage.
   */
  readonly runApiUnreachableMs: number;
  /** `LOG_LEVEL`, default `info`. */
  readonly logLevel: LevelWithSilent;
  /** `APPS_FILE`: the JSON file of the apps served; null = the one app of the TIM_* variables. */
  readonly appsFile: string | null;
  /**
   * The apps served, at least one: those of APPS_FILE, or the TIM_* app named `default`. The
   * fields below (`keyPrefix`, `rateLimitPerSecond`, `sdkAppId`, `tencent`) are the TIM_* app's;
   * `appScope` gives each app's machinery a configuration where they are that app's.
   */
  readonly apps: readonly AppConfig[];
  /** `TIM_SDKAPPID`, for commands that act on the app's shared state without calling it (`rate`); null for the others. */
  readonly sdkAppId: number | null;
  /** Present only for commands that call Tencent (`worker`, `run`). */
  readonly tencent: TencentConfig | null;
  /** Present only for `serve`. */
  readonly http: HttpConfig | null;
  /** `METRICS_PORT` (and `METRICS_HOST`, default 0.0.0.0): a `worker`'s own /metrics and /healthz listener; null = none. */
  readonly metrics: { readonly host: string; readonly port: number } | null;
}

/**
 * One Tencent Chat application (SDKAppID) robot-seeder serves: its own quota, keys and region.
 * Everything that is per app at Tencent is per app here: the queue, the shared limiter and its
 * rate, the circuit breaker, the account pause, the dead letters, the campaigns.
 */
export interface AppConfig {
  /** `name` in APPS_FILE; `default` for the app of the TIM_* variables. Work names its app by it. */
  readonly name: string;
  /** The SDKAppID; null only for the TIM_* app of a command that does not need it (TIM_SDKAPPID unset). */
  readonly sdkAppId: number | null;
  /** Where the app's keys live: KEY_PREFIX for `default`, KEY_PREFIX-NAME for the others (same hash tag). */
  readonly keyPrefix: string;
  /** `ratePerSecond` in APPS_FILE, default RATE_LIMIT_PER_SECOND: the app's cap on calls per second. */
  readonly rateLimitPerSecond: number;
  /** Present only for commands that call Tencent (`worker`, `run`, `serve --with-workers`). */
  readonly tencent: TencentConfig | null;
}

export interface HttpConfig {
  /** `HOST`, default `0.0.0.0`. */
  readonly host: string;
  /** `PORT`, default 8080. */
  readonly port: number;
  /** `API_TOKENS`, required: comma-separated bearer tokens accepted by the HTTP API. Never logged. */
  readonly apiTokens: readonly string[];
  /** `BODY_LIMIT_BYTES`, default 1048576: larger request bodies get 413. */
  readonly bodyLimitBytes: number;
  /** `IDEMPOTENCY_KEYS_PER_TOKEN`, default 10000: new Idempotency-Keys one API token may store in 24 h; more get 429. */
  readonly idempotencyKeysPerToken: number;
  /** `CALLBACK_TOKEN`: the callback authentication token set in the Chat console, 16 to 128 characters; null = none. Never logged. */
  readonly callbackToken: string | null;
  /**
   * `CALLBACK_AUTH`, default `token`: callbacks must carry the Sign of CALLBACK_TOKEN (without a token
   * they are refused, and seeding from callbacks does not start); `none` accepts unsigned callbacks.
   */
  readonly callbackAuth: 'token' | 'none';
  /** `AUTO_SEED_ROBOTS`: comma-separated robot accounts put into every new AVChatRoom a callback announces. */
  readonly autoSeedRobots: readonly string[];
  /** `SEED_RULES_FILE`: a JSON file of richer callback rules (by group name pattern, robots drawn from a pool); null = none. */
  readonly seedRulesFile: string | null;
}

export interface TencentConfig {
  /** `TIM_SDKAPPID`, required. */
  readonly sdkAppId: number;
  /** `TIM_SECRET_KEY`: UserSigs are made from it and renewed. Never logged. */
  readonly secretKey: string | null;
  /** `TIM_USERSIG`: a ready UserSig, used when no secret key is given. Never logged. */
  readonly userSig: string | null;
  /** `TIM_ADMIN`, default `administrator`: an App admin account. */
  readonly admin: string;
  /** `TIM_BASE_URL`, or the domain of `TIM_REGION` (default `china`): https, or http to a loopback host (the mock). */
  readonly baseUrl: string;
  /** `REQUEST_TIMEOUT_MS`, default DEFAULT_REQUEST_TIMEOUT_MS (6000): must exceed Tencent's own 3 s back-end timeout (more than 3000). */
  readonly requestTimeoutMs: number;
  /** `USERSIG_TTL_SECONDS`, default DEFAULT_USERSIG_TTL_SECONDS (a day): validity of the UserSigs robot-seeder makes. */
  readonly userSigTtlSeconds: number;
}
