import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';

/**
 * ioredis's values (Redis, Cluster), loaded with require() for the reason given in bullmq.ts:
 * an `import` would first scan its re-exports, some 0.08 s of CPU at every start.
 */
export const ioredis = createRequire(import.meta.url)('ioredis') as typeof IORedis;
