import type { Logger } from '../log/logger.js';
import { EXIT } from './exit-codes.js';

/**
 * Two-stage shutdown: the first SIGINT/SIGTERM calls `drain` (stop taking work, finish what is
 * in hand); a second one exits at once. Returns a function that removes the handlers.
 */
export function onShutdownSignals(drain: (signal: NodeJS.Signals) => void, logger: Logger): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals): void => {
    received += 1;
    if (received === 1) {
      logger.info({ signal }, 'shutting down: finishing the calls in flight (send the signal again to force)');
      drain(signal);
    } else {
      logger.warn({ signal }, 'forced exit: jobs in hand go back to the queue when their locks expire');
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
