import { setTimeout as sleep } from 'node:timers/promises';
import { openFleetQueues, selectQueues } from '../../app/queue-runtime.js';
import { startWorkerProcess } from '../../app/worker-process.js';
import { ApiSilence } from '../../breaker/api-silence.js';
import { ACCOUNT_PAUSE_HINT, describeAccountProblem, type AccountProblem } from '../../breaker/account-pause.js';
import { SeederError } from '../../errors/seeder-error.js';
import { isDrained, sumQueueStatus, type QueueStatus } from '../../queue/queue-status.js';
import { CallStats } from '../../metrics/call-stats.js';
import { selectApps } from '../../config/find-app.js';
import { integerFlag, parseCommandArgs, requirePositional } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { enqueueFile } from '../enqueue-file.js';
import { EXIT } from '../exit-codes.js';
import { enqueueFileOptions, FILE_FLAGS } from '../file-flags.js';
import { ProgressBar } from '../progress-bar.js';
import { buildRunReport, describeRunReport } from '../run-report.js';
import { onShutdownSignals } from '../shutdown-signals.js';
import { RUN_USAGE } from '../command-help.js';

/**
 * `run FILE`: the one-shot main job: enqueue, work it off in this process, report, exit. When the
 * API answers none of its calls for RUN_API_UNREACHABLE_MS it stops too, reports, and fails with
 * API_UNREACHABLE (exit 5): the jobs left stay in the queue for the next run or a worker.
 */
export async function runCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...COMMON_FLAGS, ...FILE_FLAGS, concurrency: { type: 'string' } }, RUN_USAGE);
  const file = requirePositional(positionals, 'FILE (a JSON Lines or CSV job file, or - for standard input)', RUN_USAGE);
  integerFlag('concurrency', values.concurrency, 1, 10_000);
  const ctx = createCliContext(values, { tencent: true });
  const options = enqueueFileOptions(file, values);
  // The apps this run works: the one --app names, or all of them; refused before anything is read.
  const served = selectApps(ctx.config, options.app);
  const fleet = await openFleetQueues(ctx.config, ctx.logger, 'worker');
  try {
    const started = Date.now();
    const enqueue = await enqueueFile(fleet, options);
    let seeded = 0;
    let retried = 0;
    const deadLettered = new Map<string, number>();
    const silence = new ApiSilence();
    const stats = new CallStats();
    const queues = selectQueues(fleet, options.app);
    const status = async (): Promise<QueueStatus> => sumQueueStatus(await Promise.all(queues.map((q) => q.status())));
    // The same worker as `worker` runs (campaign jobs it happens to work count in their runs'
    // reports; an ended campaign's adds are skipped), without firing campaign runs.
    const worker = await startWorkerProcess(queues, {
      campaignRuns: false,
      observers: () => [silence.observe, (outcome, sentAt) => stats.record(outcome, sentAt)],
      events: () => ({
        onCompleted: () => (seeded += 1),
        onRetry: () => (retried += 1),
        onDeadLettered: (e) => {
          const key = String(e.errorCode ?? 'none');
          deadLettered.set(key, (deadLettered.get(key) ?? 0) + 1);
        },
      }),
    });
    const runtimes = worker.runtimes;
    const stop = new AbortController();
    const removeSignals = onShutdownSignals(() => stop.abort(), ctx.logger);
    const bar = new ProgressBar(process.stderr, 'seeding ', !values.json);
    const finished = (): number => seeded + [...deadLettered.values()].reduce((a, b) => a + b, 0);
    let openSince: number | null = null;
    let warnedSilent = false;
    let unreachable = false;
    const giveUpMs = ctx.config.runApiUnreachableMs;
    const baseUrls = served.map((a) => a.tencent?.baseUrl ?? '(none)').join(', ');
    const detail = (): string => {
      const s = stats.snapshot();
      const held = openSince === null ? '' : ' [API not answering: calls held, probing once a second]';
      return `jobs, ${s.calls} calls, ${s.callsPerSecond.toFixed(0)} calls/s, ${retried} retried, ${finished() - seeded} dead-lettered${held}`;
    };
    let paused: AccountProblem | null | undefined;
    while (!stop.signal.aborted && !isDrained(await status())) {
      // Tencent refused an app's account: nothing of it will be seeded until it is fixed, so stop and say so.
      const refused = await firstHeld(runtimes.map((r) => r.accountPause));
      if (refused !== undefined) {
        paused = await refused.read();
        break;
      }
      // An unreachable API (a wrong TIM_BASE_URL or TIM_REGION, a network outage) holds calls (the
      // breaker) or retries them: say so rather than look stuck, and give up before long.
      const open = (await Promise.all(runtimes.map((r) => r.breaker.state()))).includes('open');
      openSince = open ? (openSince ?? Date.now()) : null;
      const silentMs = silence.silentForMs();
      if (silentMs >= giveUpMs) {
        unreachable = true;
        break;
      }
      if (!warnedSilent && silentMs >= giveUpMs / 2) {
        warnedSilent = true;
        ctx.logger.warn(
          { baseUrl: baseUrls, silentSeconds: Math.round(silentMs / 1000), giveUpSeconds: Math.round(giveUpMs / 1000) },
          'the Tencent API is not answering; calls are held or retried and nothing is lost. Check TIM_BASE_URL / TIM_REGION and the network; run stops after RUN_API_UNREACHABLE_MS (jobs stay queued), Ctrl-C sooner',
        );
      }
      bar.update(finished(), enqueue.jobs, detail());
      await sleep(250);
    }
    await worker.close();
    removeSignals();
    bar.finish(finished(), enqueue.jobs, detail());
    const report = buildRunReport({
      enqueue,
      seeded,
      retried,
      deadLetteredByCode: deadLettered,
      calls: stats.snapshot(),
      rateLimitPerSecond: served.reduce((sum, a) => sum + a.rateLimitPerSecond, 0),
      durationMs: Date.now() - started,
      queue: await status(),
    });
    ctx.out.write(values.json ? `${JSON.stringify(report)}\n` : describeRunReport(report));
    if (paused !== undefined) throw accountRefused(paused, report.queue);
    if (unreachable) throw apiUnreachable(baseUrls, giveUpMs, report.queue);
    return stop.signal.aborted ? EXIT.interrupted : EXIT.ok;
  } finally {
    await fleet.close();
  }
}

/** The first of the apps' account pauses that holds, if any. */
async function firstHeld<T extends { holds(): Promise<boolean> }>(pauses: readonly T[]): Promise<T | undefined> {
  const held = await Promise.all(pauses.map((p) => p.holds()));
  return pauses.find((_, i) => held[i]);
}

function accountRefused(problem: AccountProblem | null, queue: QueueStatus): SeederError {
  const left = queue.waiting + queue.active + queue.delayed;
  return new SeederError(
    'ACCOUNT_REFUSED',
    `stopped: ${problem === null ? "Tencent refused the app's account" : describeAccountProblem(problem)}; ${left} jobs stay in the queue, none dead-lettered for it`,
    { hint: `${ACCOUNT_PAUSE_HINT}; then run the same command again` },
  );
}

function apiUnreachable(baseUrl: string, giveUpMs: number, queue: QueueStatus): SeederError {
  const left = queue.waiting + queue.active + queue.delayed;
  return new SeederError(
    'API_UNREACHABLE',
    `the Tencent API at ${baseUrl} answered none of this run's calls for ${Math.round(giveUpMs / 1000)} s (RUN_API_UNREACHABLE_MS=${giveUpMs}); stopped with ${left} jobs left in the queue`,
    {
      hint: 'check TIM_BASE_URL / TIM_REGION and that this machine reaches the API (DNS, firewall, proxy), then run the same command again or start `robot-seeder worker`: the queued jobs are kept. Raise RUN_API_UNREACHABLE_MS to wait longer',
    },
  );
}
