import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

/**
 * undici's connection pool, loaded from its own file: the package's index also loads fetch,
 * WebSocket, EventSource, the cache and the mock agent, 10 MB of resident memory in every worker
 * that only ever needs a Pool (calls go through `Pool.dispatch`, `src/tencent/exchange.ts`).
 * Types come from 'undici' as usual; `test/unit/commonjs.test.ts` checks that this is the very
 * value undici's index exports.
 */
export const Pool = require('undici/lib/dispatcher/pool.js') as typeof Undici.Pool;
