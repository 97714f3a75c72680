/**
 * The fleet's slot ledger, one Lua script so that every step is atomic in Redis and timed by
 * Redis's clock (µs). One hash per app (KEYS[1]) holds the schedule and the adaptive rate:
 *
 *   next   µs of the next slot on the grid     rate   calls/s the fleet may send now (≤ ceiling)
 *   last   µs of the last slot handed out      credit slots the fleet may still make up for
 *   at     µs the rate was last brought up     cut    µs of the last decrease
 *   epoch  when this state was created (a changed epoch tells a process the state was lost)
 *
 * and a sorted set (KEYS[4]) logs the live slots of the last window, each named by its time.
 *
 * The cap: no `n = ceil(rate)` slots in any `window = n * spacing`, where `spacing = (1 s + slack)
 * / rate` (ARGV[3]: the tolerance and the dispatch margin), so a call checked up to the tolerance
 * after its slot, and on the wire within the margin, still leaves at most `rate` calls in any 1 s
 * at the API. Slots follow a grid `spacing` apart. A process that could not use a slot in time
 * gives it back (ARGV[13..]: the slots' names): it leaves the log, and while the room it left is
 * there the next slots come sooner than the grid (at least half a spacing apart), so that a late
 * process costs the fleet no calls. The log, not the grid, is what keeps the cap.
 *
 * Credit says how many slots may come sooner than the grid: one per slot given back, one per slot
 * of grid that passed with nobody booking it, and one per spacing the log pushed a grid slot back.
 * The last is what makes the room last: a slot made up for sooner than the grid fills its window,
 * so one window later the log pushes the grid back where the room was; the credit that push earns
 * is spent where the slot made up for comes round again. Without it each slot given back cost a
 * call one window later (test/integration/slot-ledger.test.ts; `npm run bench:ledger-sim`, 10% of
 * slots given back, seeds 1-3: 16 processes kept 95.8-96.9% of the spacing's ceiling before,
 * 96.9-97.9% with it; one process 97.7-98.2% before, 98.8-99.0% with it). Credit is fractional
 * (time, not whole slots) and at most half a window's slots, and one at the least (`creditCap`; at
 * 1 call a second half a window is half a slot, and nothing could ever be made up for): made up
 * for at most two to a spacing, that is half a second at twice the rate, as a pause of half a
 * second allowed before.
 *
 * Evenness: no more than `burst = ceil(n / 8)` slots in any tenth of a window (25 in 101.3 ms at
 * 200/s, where the grid puts 20), and a grid slot that rule holds back earns credit as the window's
 * rule does. In a fleet that always books, every window is full, so whatever shape the first one
 * had (a cold start: made-up slots at twice the rate, then none) comes round again in each window
 * after: 0 to 40 calls in 100 ms for a whole run, measured on the wire. Bounded this way, made-up
 * slots come at most a quarter faster than the grid over any tenth of a window, and no room is lost
 * (test/integration/slot-ledger.test.ts; BENCHMARKS.md, "Evenness").
 *
 * A process books a batch of slots spanning at most `batch` µs, and only while the fleet's next
 * slot is at most `lead` µs ahead: every slot ever handed out lies before now + lead + batch.
 *
 * Self-healing: a missing or unreadable hash (idle expiry, eviction, FLUSHDB, a failover to a
 * replica without it, a wrong type), or a log lost while its slots still count, is created again,
 * starting at now + lead + batch: slots handed out before the loss lie before that, so new ones
 * cannot meet them. A slot time far beyond that (the grid's next, the last handed out, or the
 * log's latest: Redis's clock stepped back, or a tampered value) is pulled back likewise, and a
 * decrease stamped in the future is forgotten: no stored value can keep the fleet waiting, or its
 * rate from adapting, for longer than its own spacing and a second. An operator's ceiling that is
 * not a rate of at least 1 is ignored. No number ever reaches an integer-only Redis command, so any
 * rate works, whatever its spacing.
 *
 * Ops (ARGV[1]): `book` (ARGV[10] = slots wanted, 0 to only give slots back), `refused` (Tencent
 * answered with a rate code: multiplicative decrease, at most once per cooldown), `read`, `set`
 * (ARGV[10] = the operator's ceiling; `0` removes it). The operator's ceiling (KEYS[2], no expiry)
 * overrides the one each process is configured with (ARGV[2], kept as `configured` for `read`).
 *
 * Reply: { nowUs, freeUs, spacingUs, granted, rate, ceiling, epoch, healed, bookers, returned,
 * slots, othersWaiting }, numbers that may be fractional as strings. `freeUs` is when the fleet's
 * next slot is after this booking; `slots` the names (µs) of the slots handed out; `returned` how
 * many given-back slots the log still held; `bookers` how many processes are booking (KEYS[3],
 * ARGV[12] naming the asking one: those seen within two rounds of turns, at most 2 s), so that they
 * can take turns; `othersWaiting` how many calls the other bookers still wait for beyond their slots
 * (KEYS[5], each booker's count as of its last booking), so that a process does not wait out the
 * turns of processes whose work ran out (the end of a batch).
 * `healed` is '' or why the state was created again: `missing`, `unreadable` or `clock`. For
 * `read`, the last element says whose the ceiling is instead: `operator`, `workers` or `caller` (no
 * worker has booked yet).
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
-- \`rate set\` writes a whole rate from 1 up: anything else under the key (overwritten) is ignored.
if override and not (override >= 1 and override < math.huge) then override = nil end
local ceiling = override or configured

local kind = redis.call('TYPE', KEYS[1])['ok']
local next, rate, at, cut, epoch, workers, last, credit
if kind == 'hash' then
  local v = redis.call('HMGET', KEYS[1], 'next', 'rate', 'at', 'cut', 'epoch', 'configured', 'last', 'credit')
  next, rate, at, cut, epoch = tonumber(v[1]), tonumber(v[2]), tonumber(v[3]), tonumber(v[4]), v[5]
  workers, last, credit = tonumber(v[6]), tonumber(v[7]) or 0, tonumber(v[8]) or 0
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

-- The log of live slots (a sorted set by time, with a marker at 0 that tells a lost log from an
-- empty one); anything else under its key is not ours and cannot be trusted.
local logKind = redis.call('TYPE', KEYS[4])['ok']
local logged = logKind == 'zset' and redis.call('ZSCORE', KEYS[4], 'log')
if logKind ~= 'zset' and logKind ~= 'none' then redis.call('DEL', KEYS[4]) end
-- The first write: one that Redis refuses when it is full (after any write, a script may go on),
-- so that a full Redis fails the booking instead of handing out slots for calls it cannot record.
redis.call('ZADD', KEYS[4], 0, 'log')

-- No slot is ever handed out beyond now + lead + batch: one further ahead (the last on the grid, the
-- last handed out, the latest in the log) means Redis's clock stepped back or a value was tampered
-- with, and would hold the fleet until then.
local latest = logged and tonumber(redis.call('ZRANGE', KEYS[4], -1, -1, 'WITHSCORES')[2]) or 0
local healed = ''
if not (next and rate and at and cut and epoch) or rate <= 0 then
  healed = kind == 'none' and 'missing' or 'unreadable'
  if kind ~= 'none' then redis.call('DEL', KEYS[1]) end
  next, rate, at, cut, epoch, last, credit = now + horizon, ceiling, now, 0, fmt(now), 0, 0
elseif math.max(next, last, latest) > now + horizon + 1000000 then
  healed = 'clock'
  next, last, credit = now + horizon, math.min(last, now + horizon), 0
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '(' .. fmt(now + horizon), '+inf')
elseif not logged and last + 3000000 > now then
  -- The log went while its slots still count (a window is at most 2.03 s): start after every slot
  -- it held, as for a lost state.
  healed = logKind == 'none' and 'missing' or 'unreadable'
  next, credit = math.max(next, now + horizon), 0
end

-- A decrease stamped in the future (the clock stepped back) would block every decrease until then.
if cut > now then cut = 0 end
if op == 'set' then rate = ceiling end
rate = climbed(rate, at)
at = now

-- n slots in any 'window': the spacing's 1 s + slack for integer rates, stretched for fractional ones.
local spacing = (1000000 + slack) / rate
local n = math.ceil(rate - 1e-9)
local window = spacing * n
local creditCap = math.max(1, n / 2)
local burst = math.ceil(n / 8)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '(0', now - window)

local returned = 0
if op == 'book' then
  for i = 13, #ARGV do returned = returned + redis.call('ZREM', KEYS[4], ARGV[i]) end
  credit = math.min(creditCap, credit + returned)
end
local count = redis.call('ZCARD', KEYS[4]) - 1
if op == 'book' and next < now then
  -- Slots of the grid that passed with no process booking them (all were late to ask) were never
  -- used either: room to catch up in, as for slots given back (up to half a second of them, to the
  -- microsecond; a longer pause is the fleet idle, with nothing to catch up).
  if now - next < 2000000 then credit = math.min(creditCap, credit + math.min(now - next, 500000) / spacing) else credit = 0 end
  next = now
end

-- The next slot: on the grid ('next') or, while slots given back leave room, sooner; at least half
-- a spacing after the last one, never with n slots in the window before it, and never with 'burst'
-- slots in the tenth of a window before it (evenness: what is made up for comes at most a quarter
-- faster than the grid, over any tenth of a window).
local function candidate()
  local earliest = math.max(now, last + spacing / 2)
  -- Where the log holds the next slot back, if it does.
  local hold = nil
  if count >= n then hold = tonumber(redis.call('ZRANGE', KEYS[4], -n, -n, 'WITHSCORES')[2]) + window end
  if count >= burst then
    hold = math.max(hold or 0, tonumber(redis.call('ZRANGE', KEYS[4], -burst, -burst, 'WITHSCORES')[2]) + window / 10)
  end
  if hold then earliest = math.max(earliest, hold) end
  local grid = math.max(next, earliest)
  if credit >= 1 and earliest < grid then return earliest, true, 0 end
  -- On the grid: how many spacings the log pushed it back, to make up for where the room comes round.
  return grid, false, (hold and hold > next) and (hold - next) / spacing or 0
end

local granted, slots, first = 0, {}, nil
local bookers, othersWaiting = 0, 0
if op == 'book' then
  -- The bookers (KEYS[3]) and what each still waits for (KEYS[5]) go together, kept 10 s unused.
  local bookersTtl = 10000
  -- Who books now: processes take turns by it, one batch each, instead of all asking at once.
  redis.call('ZADD', KEYS[3], now, booker)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 2000000)
  redis.call('PEXPIRE', KEYS[3], bookersTtl)
  bookers = redis.call('ZCARD', KEYS[3])
  -- A process that books comes back once the others have had their turns (bookers turns of a
  -- batch, or of one slot where a slot is further apart); one not seen for two such rounds has
  -- stopped (its work ran out): count only those still booking, or the ones left wait out turns
  -- nobody takes and the fleet slows down as its queue runs dry.
  local turn = math.max(batch, spacing)
  -- Since when a process counts as still booking, among this many bookers.
  local function activeSince() return now - 2 * bookers * turn - lead end
  for _ = 1, 4 do
    local active = redis.call('ZCOUNT', KEYS[3], activeSince(), '+inf')
    if active >= bookers then break end
    bookers = active
  end
  local most = math.min(arg, math.max(1, math.floor(batch / spacing)))
  while granted < most do
    local slot, catching, pushed = candidate()
    if slot > (first and first + batch or now + lead) then break end
    first = first or slot
    local id = fmt(slot)
    redis.call('ZADD', KEYS[4], slot, id)
    count, granted, last = count + 1, granted + 1, slot
    slots[granted] = id
    if catching then credit = credit - 1 else next, credit = slot + spacing, math.min(creditCap, credit + pushed) end
  end
  -- How many calls each booker still waits for beyond its slots (KEYS[5]): the others' sum tells
  -- this one how soon its turn really comes when they run dry (the end of a batch of work).
  if redis.call('TYPE', KEYS[5])['ok'] ~= 'hash' then redis.call('DEL', KEYS[5]) end
  -- (A round trip only giving slots back says nothing of what the process waits for.)
  if arg > 0 then redis.call('HSET', KEYS[5], booker, arg - granted) end
  local since = activeSince()
  local all = redis.call('HGETALL', KEYS[5])
  for i = 1, #all, 2 do
    local seen = tonumber(redis.call('ZSCORE', KEYS[3], all[i]))
    if not seen then redis.call('HDEL', KEYS[5], all[i])
    elseif all[i] ~= booker and seen >= since then othersWaiting = othersWaiting + (tonumber(all[i + 1]) or 0) end
  end
  redis.call('PEXPIRE', KEYS[5], bookersTtl)
elseif op == 'refused' and now - cut >= cooldown then
  rate = math.max(math.min(floor, ceiling), rate * decrease)
  cut = now
end
local free = candidate()

redis.call('HSET', KEYS[1], 'next', fmt(next), 'rate', fmt(rate), 'at', fmt(at), 'cut', fmt(cut), 'epoch', epoch,
  'last', fmt(last), 'credit', credit)
if op ~= 'set' then redis.call('HSET', KEYS[1], 'configured', fmt(configured)) end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[4], ttl)
return {fmt(now), fmt(free), fmt(spacing), granted, fmt(rate), fmt(ceiling), epoch, healed, bookers, returned, slots, othersWaiting}
`;
