import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

/**
 * undici's connection pool and its `request` API, each loaded from its own file: the package's
 * index also loads fetch, WebSocket, EventSource, the cache and the mock agent, 10 MB of resident
 * memory in every worker that only ever needs a Pool. The index makes `request` a method of every
 * dispatcher (it assigns the API to Dispatcher.prototype); loaded file by file, it is called on
 * the pool instead. Types come from 'undici' as usual; `test/unit/commonjs.test.ts` checks that
 * these are the very values undici's index uses.
 */
export const Pool = require('undici/lib/dispatcher/pool.js') as typeof Undici.Pool;

const api = require('undici/lib/api/index.js') as {
  request: (this: Pick<Undici.Pool, 'dispatch'>, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
};

/** `dispatcher.request(options)`, without the index. */
export function request(dispatcher: Pick<Undici.Pool, 'dispatch'>, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return api.request.call(dispatcher, options);
}
