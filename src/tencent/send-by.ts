import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { CallNotSentError } from './call-outcome.js';

type Handler = Dispatcher.DispatchHandler;

/**
 * `pool`, refusing to write a request after `sendBy` (a `performance.now()` instant). undici calls
 * a request's `onConnect` when a connected socket is about to write it, after any wait for a
 * connection to open: the last moment before it leaves. Throwing there fails the request unwritten
 * and leaves the connection open (undici destroys the socket only when `abort` is called).
 */
export function sendingBy(pool: Pick<Dispatcher, 'dispatch'>, sendBy: number): Pick<Dispatcher, 'dispatch'> {
  return {
    dispatch(options, handler) {
      return pool.dispatch(options, checkedAtConnect(handler, sendBy));
    },
  };
}

function checkedAtConnect(handler: Handler, sendBy: number): Handler {
  return new Proxy(handler, {
    get(target, property) {
      if (property === 'onConnect') {
        // undici's request() handler is a legacy one (onConnect, not onRequestStart): this proxy must
        // hook the legacy method, and must not look like a new-style handler.
        /* eslint-disable @typescript-eslint/no-deprecated */
        return (...args: Parameters<NonNullable<Handler['onConnect']>>) => {
          const lateMs = performance.now() - sendBy;
          if (lateMs > 0) throw new CallNotSentError(`not sent: a connection was ready ${lateMs.toFixed(1)} ms after its slot allowed`);
          return target.onConnect?.(...args);
        };
        /* eslint-enable @typescript-eslint/no-deprecated */
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
