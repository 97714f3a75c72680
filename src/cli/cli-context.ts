import { loadConfig, type LoadConfigOptions } from '../config/load-config.js';
import type { SeederConfig } from '../config/seeder-config.js';
import { createLogger, type Logger } from '../log/logger.js';

export interface CliContext {
  readonly config: SeederConfig;
  readonly logger: Logger;
  /** Where results go (JSON, reports); logs and progress go to stderr. */
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WriteStream;
}

/** Flags the CLI accepts on every command, and the variable each one overrides. */
export const COMMON_FLAGS = {
  'redis-url': { type: 'string' },
  'log-level': { type: 'string' },
} as const;

/** The one route from flags to the config: a flag stands in for its variable. */
const FLAG_ENV: Readonly<Record<string, string>> = {
  'redis-url': 'REDIS_URL',
  'log-level': 'LOG_LEVEL',
  concurrency: 'WORKER_CONCURRENCY',
  port: 'PORT',
  host: 'HOST',
  'metrics-port': 'METRICS_PORT',
};

/** Config = defaults < environment < flags; a command that calls Tencent asks for the TIM_* part. */
export function createCliContext(flags: Readonly<Record<string, unknown>>, needs: LoadConfigOptions): CliContext {
  const merged: Record<string, string | undefined> = { ...process.env };
  for (const [flag, name] of Object.entries(FLAG_ENV)) {
    const v = flags[flag];
    if (typeof v === 'string') merged[name] = v;
  }
  const config = loadConfig(merged, needs);
  return { config, logger: createLogger(config.logLevel), out: process.stdout, err: process.stderr };
}
