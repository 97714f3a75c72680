import { setTimeout as sleep } from 'node:timers/promises';
import { openQueueRuntime } from '../../app/queue-runtime.js';
import { startWorkerRuntime } from '../../app/worker-runtime.js';
import { combineWorkerEvents } from '../../app/combine-worker-events.js';
import { campaignAccounting } from '../../campaign/campaign-accounting.js';
import { isDrained } from '../../queue/queue-status.js';
import { ACCOUNT_PAUSE_HINT, describeAccountProblem } from '../../breaker/account-pause.js';
import { SeederError } from '../../errors/seeder-error.js';
import { integerFlag, parseCommandArgs, requirePositional } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { enqueueFile } from '../enqueue-file.js';
import { EXIT } from '../exit-codes.js';
import { enqueueFileOptions, FILE_FLAGS } from '../file-flags.js';
import { ProgressBar } from '../progress-bar.js';
import { buildRunReport, describeRunReport } from '../run-report.js';
import { onShutdownSignals } from '../shutdown-signals.js';
import { RUN_USAGE } from '../command-help.js';

/** `run FILE`: the one-shot main job: enqueue, work it off in this process, report, exit. */
export async function runCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...COMMON_FLAGS, ...FILE_FLAGS, concurrency: { type: 'string' } },
    RUN_USAGE,
  );
  const file = requirePositional(positionals, 'FILE (a JSON Lines or CSV job file, or - for standard input)', RUN_USAGE);
  integerFlag('concurrency', values.concurrency, 1, 10_000);
  const ctx = createCliContext(values, { tencent: true });
  const q = await openQueueRuntime(ctx.config, ctx.logger, 'worker');
  try {
    const started = Date.now();
    const enqueue = await enqueueFile(q, enqueueFileOptions(file, values));
    let seeded = 0;
    let retried = 0;
    const deadLettered = new Map<string, number>();
    // Campaign jobs this process happens to work still count in their runs' reports.
    const accounting = campaignAccounting(q);
    const w = await startWorkerRuntime(q, {
      events: combineWorkerEvents(
        {
          onCompleted: () => (seeded += 1),
          onRetry: () => (retried += 1),
          onDeadLettered: (e) => {
            const key = String(e.errorCode ?? 'none');
            deadLettered.set(key, (deadLettered.get(key) ?? 0) + 1);
          },
        },
        accounting,
      ),
    });
    const stop = new AbortController();
    const removeSignals = onShutdownSignals(() => stop.abort(), ctx.logger);
    const bar = new ProgressBar(process.stderr, 'seeding ', !values.json);
    const finished = (): number => seeded + [...deadLettered.values()].reduce((a, b) => a + b, 0);
    let openSince: number | null = null;
    let warnedOpen = false;
    const detail = (): string => {
      const s = w.stats.snapshot();
      const held = openSince === null ? '' : ' [API not answering: calls held, probing once a second]';
      return `jobs, ${s.calls} calls, ${s.callsPerSecond.toFixed(0)} calls/s, ${retried} retried, ${finished() - seeded} dead-lettered${held}`;
    };
    let paused = false;
    while (!stop.signal.aborted && !isDrained(await q.status())) {
      // Tencent refused the app's account: nothing will be seeded until it is fixed, so stop and say so.
      if (await w.accountPause.holds()) {
        paused = true;
        break;
      }
      // An unreachable API (a wrong TIM_BASE_URL or TIM_REGION, a network outage) holds every call
      // without using attempts: say so, rather than look stuck.
      openSince = (await w.breaker.state()) === 'open' ? (openSince ?? Date.now()) : null;
      if (openSince !== null && !warnedOpen && Date.now() - openSince > 30_000) {
        warnedOpen = true;
        ctx.logger.warn(
          { baseUrl: ctx.config.tencent?.baseUrl },
          'the Tencent API has not answered for 30 s; calls are held and nothing is lost. Check TIM_BASE_URL / TIM_REGION and the network; Ctrl-C stops (jobs stay queued)',
        );
      }
      bar.update(finished(), enqueue.jobs, detail());
      await sleep(250);
    }
    await w.close();
    await accounting.flush();
    removeSignals();
    if (paused) {
      const problem = await w.accountPause.read();
      const queue = await q.status();
      bar.finish(finished(), enqueue.jobs, detail());
      throw new SeederError(
        'ACCOUNT_REFUSED',
        `stopped: ${problem === null ? "Tencent refused the app's account" : describeAccountProblem(problem)}; ${seeded} jobs were done, ${queue.waiting + queue.delayed} stay in the queue (none dead-lettered for it)`,
        { hint: `${ACCOUNT_PAUSE_HINT}; then run the same command again` },
      );
    }
    bar.finish(finished(), enqueue.jobs, detail());
    const report = buildRunReport({
      enqueue,
      seeded,
      retried,
      deadLetteredByCode: deadLettered,
      calls: w.stats.snapshot(),
      rateLimitPerSecond: ctx.config.rateLimitPerSecond,
      durationMs: Date.now() - started,
      queue: await q.status(),
    });
    ctx.out.write(values.json ? `${JSON.stringify(report)}\n` : describeRunReport(report));
    return stop.signal.aborted ? EXIT.interrupted : EXIT.ok;
  } finally {
    await q.close();
  }
}
