import type { Cluster, Redis } from 'ioredis';

/** A connection to one Redis server, or to a Redis Cluster (`REDIS_CLUSTER=true`). */
export type RedisClient = Redis | Cluster;
