/*
 * A type only, in a file of its own: the library's declarations (dist/producer.d.ts) refer to it,
 * and a consumer's type check should not have to read the whole configuration to see it.
 */

/** How `connectProducer` reaches the fleet's queues: what a process that only enqueues must share with the workers. */
export interface ProducerOptions {
  /** The fleet's Redis, default `redis://127.0.0.1:6379` (REDIS_URL). */
  readonly redisUrl?: string;
  /** The fleet's key prefix, default `{robot-seeder}` (KEY_PREFIX). */
  readonly keyPrefix?: string;
  /** `redisUrl` names one node of a Redis Cluster, default false (REDIS_CLUSTER). */
  readonly redisCluster?: boolean;
  /**
   * The fleet's APPS_FILE, when it serves several apps: each room then names its app (or the call
   * gives one), and goes to that app's queue. Only the names are used: no secret key is read.
   */
  readonly appsFile?: string;
}
