import { openWorkerProcess } from '../../app/worker-process.js';
import { integerFlag, parseCommandArgs } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { onShutdownSignals } from '../shutdown-signals.js';
import { WORKER_USAGE } from '../command-help.js';

/** `worker`: works the seed queue and fires campaign runs until SIGTERM/SIGINT; the first drains, a second forces. */
export async function workerCommand(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { ...COMMON_FLAGS, concurrency: { type: 'string' } }, WORKER_USAGE);
  integerFlag('concurrency', values.concurrency, 1, 10_000);
  const ctx = createCliContext(values, { tencent: true });
  const w = await openWorkerProcess(ctx.config, ctx.logger);
  ctx.logger.info({ concurrency: ctx.config.workerConcurrency, ratePerSecond: ctx.config.rateLimitPerSecond }, 'worker started');
  await new Promise<void>((resolve) => {
    onShutdownSignals(() => resolve(), ctx.logger);
  });
  await w.close();
  const s = w.runtime.stats.snapshot();
  ctx.logger.info({ calls: s.calls, byKind: s.byKind, limiter: w.runtime.limiter.stats() }, 'worker stopped');
  return EXIT.ok;
}
