import type { RedisClient } from '../redis/redis-client.js';
import type { SeedQueue } from '../queue/seed-queue.js';
import type { JobSink } from '../queue/write-jobs.js';
import type { DeadLetterStore } from './dead-letter-store.js';

/**
 * What the jobs about to be added already are, in one round trip. KEYS[1]: the seed queue's
 * failed set; ARGV[1]: the prefix of its job keys; ARGV[2..]: job ids (all in the queue's hash
 * tag, so one cluster slot). Reply: { how many are there and not failed (waiting, delayed,
 * active) or repeat an earlier id of the call, the ids of failed (dead-lettered) jobs }.
 */
const PRIOR_JOBS_SCRIPT = `
local pending, failed, seen = 0, {}, {}
for i = 2, #ARGV do
  local id = ARGV[i]
  if seen[id] then
    pending = pending + 1
  elseif redis.call('ZSCORE', KEYS[1], id) then
    failed[#failed + 1] = id
  elseif redis.call('EXISTS', ARGV[1] .. id) == 1 then
    pending = pending + 1
  end
  seen[id] = true
end
return {pending, failed}
`;

const COMMAND = 'robotSeederPriorJobs';
type PriorJobsCommand = (failedKey: string, jobKeyPrefix: string, ...jobIds: string[]) => Promise<[number, string[]]>;

/**
 * The seed queue as enqueueing writes to it. Job ids are content hashes and BullMQ ignores a
 * job whose id it already holds, and it holds a dead-lettered job's failed copy beside its
 * entry: without this, a room dead-lettered once (closed that day) would never be seeded again
 * by the same input. So an id that is failed is superseded first (the failed job and its
 * dead-letter entry removed) and added as new work; an id still waiting or running is left
 * as it is, as before. Each write reports how many jobs were new and how many superseded.
 */
export function supersedingSink(redis: RedisClient, seed: SeedQueue, deadLetters: DeadLetterStore): JobSink {
  redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: PRIOR_JOBS_SCRIPT });
  const prior = (redis as unknown as Record<typeof COMMAND, PriorJobsCommand>)[COMMAND].bind(redis);
  const jobKeyPrefix = seed.toKey('');
  const failedKey = seed.toKey('failed');
  return {
    async addBulk(jobs) {
      const ids = jobs.flatMap((j) => {
        const id = j.opts?.jobId;
        return id === undefined ? [] : [id];
      });
      const [pending, failed] = ids.length === 0 ? [0, []] : await prior(failedKey, jobKeyPrefix, ...ids);
      if (failed.length > 0) await deadLetters.supersede(failed);
      await seed.addBulk(jobs);
      return { added: jobs.length - pending, superseded: failed.length };
    },
  };
}
