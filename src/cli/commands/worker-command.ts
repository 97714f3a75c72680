import { openWorkerService } from '../../app/worker-service.js';
import { collectOnceAt, WORKER_FIRST_COLLECTION_MB } from '../../runtime/first-full-collection.js';
import { capYoungGeneration, currentNodeOptions } from '../../runtime/young-generation-cap.js';
import { integerFlag, parseCommandArgs } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { onShutdownSignals } from '../shutdown-signals.js';
import { WORKER_USAGE } from '../command-help.js';

/** `worker`: works the seed queue and fires campaign runs until SIGTERM/SIGINT; the first drains, a second forces. */
export async function workerCommand(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { ...COMMON_FLAGS, concurrency: { type: 'string' }, 'metrics-port': { type: 'string' } },
    WORKER_USAGE,
  );
  integerFlag('concurrency', values.concurrency, 1, 10_000);
  const ctx = createCliContext(values, { tencent: true });
  const young = capYoungGeneration(ctx.config.workerYoungGenerationMb, { nodeOptions: currentNodeOptions() });
  const firstCollection = collectOnceAt(WORKER_FIRST_COLLECTION_MB, {
    onCollected: (r) => ctx.logger.debug(r, "V8's first full garbage collection run early (old generation, MB)"),
  });
  const w = await openWorkerService(ctx.config, ctx.logger);
  if (w.metricsAddress !== null) ctx.logger.info({ address: w.metricsAddress }, 'metrics listening: GET /metrics, GET /healthz');
  for (const r of w.runtimes) {
    ctx.logger.info(
      {
        app: r.app.name,
        concurrency: ctx.config.workerConcurrency,
        ratePerSecond: r.app.rateLimitPerSecond,
        youngGenerationMb: young.active ? ctx.config.workerYoungGenerationMb : 'V8',
      },
      'worker started',
    );
  }
  await new Promise<void>((resolve) => {
    onShutdownSignals(() => resolve(), ctx.logger);
  });
  await w.close();
  young.stop();
  firstCollection.stop();
  for (const r of w.runtimes) {
    const s = r.stats.snapshot();
    ctx.logger.info({ app: r.app.name, calls: s.calls, byKind: s.byKind, limiter: r.limiter.stats() }, 'worker stopped');
  }
  return EXIT.ok;
}
