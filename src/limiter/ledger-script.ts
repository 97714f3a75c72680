/**
 * The fleet's slot ledger, one Lua script so that every step is atomic in Redis and timed by
 * Redis's clock (µs). One hash per app holds the next free slot and the adaptive rate:
 *
 *   next   µs of the next free slot          rate   calls/s the fleet may send now (≤ ceiling)
 *   at     µs the rate was last brought up   cut    µs of the last decrease
 *   epoch  when this state was created (a changed epoch tells a process the state was lost)
 *
 * Slots are `spacing = (1 s + slack) / rate` apart (ARGV[3]: the tolerance and the dispatch margin),
 * so a call checked up to the tolerance after its slot, and on the wire within the margin, still
 * leaves at most `rate` calls in any 1 s window at the API. A process books a
 * batch of consecutive slots spanning at most `batch` µs, and only while the fleet's next slot
 * is at most `lead` µs ahead: every slot ever handed out lies before now + lead + batch.
 *
 * Self-healing: a missing or unreadable hash (idle expiry, eviction, FLUSHDB, a failover to a
 * replica without it, a wrong type) is created again, starting at now + lead + batch: slots
 * handed out before the loss lie before that, so new ones cannot meet them. A `next` far beyond
 * that (Redis's clock stepped back, a tampered value) is pulled back likewise.
 * No number ever reaches an integer-only Redis command, so any rate works, whatever its spacing.
 *
 * Ops (ARGV[1]): `book` (ARGV[10] = slots wanted), `refused` (Tencent answered with a rate
 * code: multiplicative decrease, at most once per cooldown), `read`, `set` (ARGV[10] = the
 * operator's ceiling; `0` removes it). The operator's ceiling (KEYS[2], no expiry) overrides the
 * one each process is configured with (ARGV[2], kept as `configured` for `read`).
 *
 * Reply: { nowUs, startUs, spacingUs, granted, rate, ceiling, epoch, healed, bookers }, numbers
 * that may be fractional as strings; `bookers` is how many processes booked in the last 2 s
 * (KEYS[3], ARGV[12] naming the asking one), so that they can take turns. `healed` is '' or why the state was created again: `missing`,
 * `unreadable` or `clock`. For `read`, the last element says whose the ceiling is instead:
 * `operator`, `workers` or `caller` (no worker has booked yet).
 */
export const LEDGER_SCRIPT = `
local op = ARGV[1]
local configured, slack, lead = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local ttl, increase, decrease = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local cooldown, floor, arg = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local batch, booker = tonumber(ARGV[11]), ARGV[12]
local horizon = lead + batch
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function fmt(x) return string.format('%.3f', x) end

if op == 'set' then
  if arg > 0 then redis.call('SET', KEYS[2], fmt(arg)) else redis.call('DEL', KEYS[2]) end
end
local override = tonumber(redis.call('GET', KEYS[2]) or '')
local ceiling = override or configured

local kind = redis.call('TYPE', KEYS[1])['ok']
local next, rate, at, cut, epoch
local workers
if kind == 'hash' then
  local v = redis.call('HMGET', KEYS[1], 'next', 'rate', 'at', 'cut', 'epoch', 'configured')
  next, rate, at, cut, epoch, workers = tonumber(v[1]), tonumber(v[2]), tonumber(v[3]), tonumber(v[4]), v[5], tonumber(v[6])
end
local function climbed(r, since)
  if r < ceiling and now > since then r = math.min(ceiling, r + ceiling * increase * (now - since) / 1000000) end
  return math.min(math.max(r, math.min(floor, ceiling)), ceiling)
end
if op == 'read' then
  -- An operator asks: the ceiling is the workers' (the last one to book), not the asking process's.
  if not override and workers then ceiling = workers end
  local source = override and 'operator' or (workers and 'workers' or 'caller')
  if not (next and rate and at) then return {fmt(now), '', '', 0, '', fmt(ceiling), '', source} end
  return {fmt(now), fmt(next), '', 0, fmt(climbed(rate, at)), fmt(ceiling), epoch or '', source}
end

local healed = ''
if not (next and rate and at and cut and epoch) or rate <= 0 then
  healed = kind == 'none' and 'missing' or 'unreadable'
  if kind ~= 'none' then redis.call('DEL', KEYS[1]) end
  next, rate, at, cut, epoch = now + horizon, ceiling, now, 0, fmt(now)
elseif next > now + horizon + 1000000 then
  healed = 'clock'
  next = now + horizon
end

if op == 'set' then rate = ceiling end
rate = climbed(rate, at)
at = now

local spacing = (1000000 + slack) / rate
local start = math.max(next, now)
local granted = 0
local bookers = 0
if op == 'book' then
  -- Who books now: processes take turns by it, one batch each, instead of all asking at once.
  redis.call('ZADD', KEYS[3], now, booker)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 2000000)
  redis.call('PEXPIRE', KEYS[3], 10000)
  bookers = redis.call('ZCARD', KEYS[3])
end
if op == 'book' and start <= now + lead then
  granted = math.min(arg, math.max(1, math.floor(batch / spacing)))
  next = start + granted * spacing
elseif op == 'refused' and now - cut >= cooldown then
  rate = math.max(math.min(floor, ceiling), rate * decrease)
  cut = now
end

redis.call('HSET', KEYS[1], 'next', fmt(next), 'rate', fmt(rate), 'at', fmt(at), 'cut', fmt(cut), 'epoch', epoch)
if op ~= 'set' then redis.call('HSET', KEYS[1], 'configured', fmt(configured)) end
redis.call('PEXPIRE', KEYS[1], ttl)
return {fmt(now), fmt(start), fmt(spacing), granted, fmt(rate), fmt(ceiling), epoch, healed, bookers}
`;
