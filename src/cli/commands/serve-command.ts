import { ledgerPolicy } from '../../limiter/ledger-policy.js';
import { SlotLedger } from '../../limiter/slot-ledger.js';
import { openServeRuntimes } from '../../app/serve-runtimes.js';
import { startWorkerProcess, type WorkerProcess } from '../../app/worker-process.js';
import { CircuitBreaker } from '../../breaker/circuit-breaker.js';
import { AccountPause } from '../../breaker/account-pause.js';
import { loadSeedRules } from '../../callbacks/load-seed-rules.js';
import type { HttpConfig } from '../../config/seeder-config.js';
import { SeederError } from '../../errors/seeder-error.js';
import { buildHttpServer } from '../../http/build-http-server.js';
import { createSeederMetrics } from '../../metrics/seeder-metrics.js';
import { integerFlag, parseCommandArgs } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { onShutdownSignals } from '../shutdown-signals.js';
import { SERVE_USAGE } from '../command-help.js';

/**
 * `serve`: the HTTP API, Tencent callbacks, /metrics and /admin until SIGTERM/SIGINT; with
 * --with-workers it also works the queue in this process. The first signal stops accepting
 * requests, then drains the workers, and exits 0; a second one forces.
 */
export async function serveCommand(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { ...COMMON_FLAGS, 'with-workers': { type: 'boolean', default: false }, port: { type: 'string' }, host: { type: 'string' } },
    SERVE_USAGE,
  );
  integerFlag('port', values.port, 0, 65_535);
  const withWorkers = values['with-workers'];
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (values.port !== undefined) env['PORT'] = values.port;
  if (values.host !== undefined) env['HOST'] = values.host;
  const ctx = createCliContext(values, { tencent: withWorkers, http: true }, env);
  const { config, logger } = ctx;
  const http = requireHttp(config.http);
  const { sdkAppId } = http;
  const rules = http.seedRulesFile === null ? null : await loadSeedRules(http.seedRulesFile, config.maxRobotsPerLine);

  // BullMQ workers need commands that wait out a Redis restart; the HTTP side wants them to fail fast.
  const runtimes = await openServeRuntimes(config, logger, withWorkers);
  const q = runtimes.http;
  let workers: WorkerProcess | null = null;
  try {
    const breaker = new CircuitBreaker({ redis: q.redis, prefix: config.keyPrefix, logger });
    const accountPause = new AccountPause({ redis: q.redis, prefix: config.keyPrefix, logger, configuration: null });
    const rate = new SlotLedger(q.redis, config.keyPrefix, sdkAppId, ledgerPolicy(config.rateLimitPerSecond));
    const metrics = createSeederMetrics({
      rate: () => rate.read(),
      queueStatus: () => q.status(),
      breakerState: () => breaker.state(),
      accountPaused: async () => (await accountPause.read()) !== null,
      limiter: () => workers?.runtime.limiter.stats() ?? null,
      onCollectError: (err) => logger.warn({ err }, 'metrics: cannot read figures from Redis'),
    });
    const app = await buildHttpServer({ queue: q, http, metrics, rate, logger, callbacks: { sdkAppId, rules } });
    if (runtimes.workers !== null) {
      workers = await startWorkerProcess(runtimes.workers, {
        observers: [(outcome) => metrics.recordCall(outcome)],
        events: { onRetry: () => metrics.recordRetry() },
      });
    }
    await listen(app, http);
    const callbackAuth = http.callbackToken !== null ? 'sign' : http.callbackAuth === 'none' ? 'none' : 'refused';
    if (callbackAuth === 'none') logger.warn('CALLBACK_AUTH=none: Tencent callbacks are accepted without authentication; only safe where nothing but Tencent reaches this service');
    if (callbackAuth === 'refused') logger.info('CALLBACK_TOKEN is not set: Tencent callbacks are refused (401)');
    logger.info(
      {
        host: http.host,
        address: app.server.address(),
        withWorkers,
        callbacks: { sdkAppId, auth: callbackAuth, autoSeedRobots: http.autoSeedRobots.length, rules: rules?.rules.length ?? 0 },
      },
      'serving',
    );
    await new Promise<void>((resolve) => {
      onShutdownSignals(() => resolve(), logger);
    });
    await app.close();
    await workers?.close();
    workers = null;
    logger.info('stopped');
    return EXIT.ok;
  } finally {
    await workers?.close(true);
    await runtimes.close();
  }
}

async function listen(app: Awaited<ReturnType<typeof buildHttpServer>>, http: HttpConfig): Promise<void> {
  try {
    await app.listen({ host: http.host, port: http.port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new SeederError('CONFIG_INVALID', `cannot listen on ${http.host}:${http.port} (${code})`, {
      hint: 'choose another PORT (or --port), or stop the process that holds this one',
      cause: err,
    });
  }
}

function requireHttp(http: HttpConfig | null): HttpConfig {
  if (http === null) throw new Error('serve needs the HTTP configuration: load it with { http: true }');
  return http;
}
