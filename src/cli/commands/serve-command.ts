import { startService } from '../../app/service.js';
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
  const { config, logger } = createCliContext(values, { tencent: withWorkers, http: true });
  const service = await startService(config, logger, { withWorkers });
  try {
    logger.info(service.summary, 'serving');
    await new Promise<void>((resolve) => {
      onShutdownSignals(() => resolve(), logger);
    });
  } finally {
    await service.close();
  }
  logger.info('stopped');
  return EXIT.ok;
}
