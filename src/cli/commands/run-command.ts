import { openFleetQueues, selectQueues } from '../../app/queue-runtime.js';
import { workOff, type WorkOffProgress } from '../../app/work-off.js';
import { ACCOUNT_PAUSE_HINT, describeAccountProblem, type AccountProblem } from '../../breaker/account-pause.js';
import { SeederError } from '../../errors/seeder-error.js';
import type { QueueStatus } from '../../queue/queue-status.js';
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
    const stop = new AbortController();
    const removeSignals = onShutdownSignals(() => stop.abort(), ctx.logger);
    const bar = new ProgressBar(process.stderr, 'seeding ', !values.json);
    const giveUpMs = ctx.config.runApiUnreachableMs;
    const baseUrls = served.map((a) => a.tencent?.baseUrl ?? '(none)').join(', ');
    const detail = (p: WorkOffProgress): string =>
      `jobs, ${p.calls.calls} calls, ${p.calls.callsPerSecond.toFixed(0)} calls/s, ${p.retried} retried, ${p.finished - p.seeded} dead-lettered` +
      (p.apiHeld ? ' [API not answering: calls held, probing once a second]' : '');
    const result = await workOff(selectQueues(fleet, options.app), {
      giveUpMs,
      signal: stop.signal,
      onProgress: (p) => bar.update(p.finished, enqueue.jobs, detail(p)),
      onSilent: (silentMs) =>
        ctx.logger.warn(
          { baseUrl: baseUrls, silentSeconds: Math.round(silentMs / 1000), giveUpSeconds: Math.round(giveUpMs / 1000) },
          'the Tencent API is not answering; calls are held or retried and nothing is lost. Check TIM_BASE_URL / TIM_REGION and the network; run stops after RUN_API_UNREACHABLE_MS (jobs stay queued), Ctrl-C sooner',
        ),
    });
    removeSignals();
    bar.finish(result.progress.finished, enqueue.jobs, detail(result.progress));
    const report = buildRunReport({
      enqueue,
      seeded: result.seeded,
      retried: result.retried,
      deadLetteredByCode: result.deadLetteredByCode,
      calls: result.calls,
      rateLimitPerSecond: served.reduce((sum, a) => sum + a.rateLimitPerSecond, 0),
      durationMs: Date.now() - started,
      queue: result.queue,
    });
    ctx.out.write(values.json ? `${JSON.stringify(report)}\n` : describeRunReport(report));
    if (result.end.kind === 'paused') throw accountRefused(result.end.problem, report.queue);
    if (result.end.kind === 'unreachable') throw apiUnreachable(baseUrls, giveUpMs, report.queue);
    return result.end.kind === 'interrupted' ? EXIT.interrupted : EXIT.ok;
  } finally {
    await fleet.close();
  }
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
