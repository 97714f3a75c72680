import type { RedisClient } from '../redis/redis-client.js';
import type { Logger } from '../log/logger.js';
import type { CallOutcome } from '../tencent/call-outcome.js';

export interface CircuitBreakerOptions {
  readonly redis: RedisClient;
  /** Key prefix (a hash tag): the breaker is shared by every worker of the same queues. */
  readonly prefix: string;
  readonly logger: Logger;
  /** Seconds of calls the failure ratio is computed over, default 5. */
  readonly windowSeconds?: number;
  /** Calls needed in the window before the breaker may open, default 20. */
  readonly minCalls?: number;
  /** Share of outage-like failures in the window that opens the breaker, default 0.5. */
  readonly failureRatio?: number;
  /** While open, one probe call is let through per this many ms across all workers, default 1000. */
  readonly probeIntervalMs?: number;
}

export type BreakerState = 'closed' | 'open';

/** Outcomes of calls that were sent, counted together (a worker reports them in batches). */
export interface OutcomeCounts {
  readonly calls: number;
  /** Of those, how many failed like an outage (`isOutageSignal`). */
  readonly outages: number;
  /** The latest of those outage-like outcomes, for the log line should the breaker open. */
  readonly lastOutage: CallOutcome | null;
}

type RecordCommand = (
  windowKey: string,
  stateKey: string,
  nowSecond: number,
  calls: number,
  outages: number,
  probe: string,
  windowSeconds: number,
  minCalls: number,
  failureRatio: number,
  nowIso: string,
) => Promise<[BreakerState, number]>;

/**
 * Records outcomes and decides, atomically in Redis, whether the breaker opens or closes.
 * Window: one hash of per-second totals (`t:<sec>`) and failures (`f:<sec>`), trimmed as it goes.
 * A probe's answer closes the breaker; a probe's outage-like failure keeps it open.
 * Returns the state after the outcomes and whether they changed it.
 */
const RECORD = `
local window, state = KEYS[1], KEYS[2]
local now, calls, outages, probe = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1'
local seconds, minCalls, ratio = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local current = redis.call('HGET', state, 'state') or 'closed'
if probe then
  if outages > 0 or current == 'closed' then return {current, 0} end
  redis.call('HSET', state, 'state', 'closed', 'since', ARGV[8])
  redis.call('DEL', window)
  return {'closed', 1}
end
redis.call('HINCRBY', window, 't:' .. now, calls)
if outages > 0 then redis.call('HINCRBY', window, 'f:' .. now, outages) end
redis.call('PEXPIRE', window, (seconds + 2) * 1000)
if current == 'open' then return {'open', 0} end
local total, failures = 0, 0
local fields = redis.call('HGETALL', window)
for i = 1, #fields, 2 do
  local kind, sec = string.sub(fields[i], 1, 1), tonumber(string.sub(fields[i], 3))
  if sec <= now - seconds then
    redis.call('HDEL', window, fields[i])
  elseif kind == 't' then total = total + tonumber(fields[i + 1])
  else failures = failures + tonumber(fields[i + 1]) end
end
if total >= minCalls and failures >= total * ratio then
  redis.call('HSET', state, 'state', 'open', 'since', ARGV[8])
  return {'open', 1}
end
return {'closed', 0}
`;

/**
 * A circuit breaker shared by all workers through Redis. Closed: calls flow. Open (most calls
 * in the last few seconds failed like an outage): calls are held, and one probe per interval
 * is let through; the first probe that gets an answer closes it and work resumes at full rate.
 */
export class CircuitBreaker {
  readonly #redis: RedisClient;
  readonly #windowKey: string;
  readonly #stateKey: string;
  readonly #probeKey: string;
  readonly #log: Logger;
  readonly #windowSeconds: number;
  readonly #minCalls: number;
  readonly #failureRatio: number;
  readonly probeIntervalMs: number;
  readonly #record: RecordCommand;

  constructor(o: CircuitBreakerOptions) {
    this.#redis = o.redis;
    // A defined command runs by EVALSHA and falls back to EVAL when Redis lost its script cache.
    o.redis.defineCommand('robotSeederBreakerRecord', { numberOfKeys: 2, lua: RECORD });
    const commands = o.redis as unknown as Record<'robotSeederBreakerRecord', RecordCommand>;
    this.#record = commands.robotSeederBreakerRecord.bind(o.redis);
    this.#windowKey = `${o.prefix}:breaker:window`;
    this.#stateKey = `${o.prefix}:breaker:state`;
    this.#probeKey = `${o.prefix}:breaker:probe`;
    this.#log = o.logger.child({ component: 'breaker' });
    this.#windowSeconds = o.windowSeconds ?? 5;
    this.#minCalls = o.minCalls ?? 20;
    this.#failureRatio = o.failureRatio ?? 0.5;
    this.probeIntervalMs = o.probeIntervalMs ?? 1000;
  }

  async state(): Promise<BreakerState> {
    return (await this.#redis.hget(this.#stateKey, 'state')) === 'open' ? 'open' : 'closed';
  }

  /** While open: true for at most one caller per probe interval, across all workers. */
  async tryProbe(): Promise<boolean> {
    return (await this.#redis.set(this.#probeKey, String(process.pid), 'PX', this.probeIntervalMs, 'NX')) === 'OK';
  }

  /** Counts the outcomes of calls that were sent (a probe's alone); returns the state after them. */
  async record(counts: OutcomeCounts, probe: boolean): Promise<BreakerState> {
    const now = Date.now();
    const [state, changed] = await this.#record(
      this.#windowKey,
      this.#stateKey,
      Math.floor(now / 1000),
      counts.calls,
      counts.outages,
      probe ? '1' : '0',
      this.#windowSeconds,
      this.#minCalls,
      this.#failureRatio,
      new Date(now).toISOString(),
    );
    if (changed === 1) {
      if (state === 'open') {
        this.#log.error(
          { errorInfo: counts.lastOutage?.errorInfo, httpStatus: counts.lastOutage?.httpStatus },
          'circuit breaker OPEN: the Tencent API looks down; holding calls and probing once a second',
        );
      } else {
        this.#log.warn('circuit breaker closed: a probe got an answer; resuming at full rate');
      }
    }
    return state;
  }
}
