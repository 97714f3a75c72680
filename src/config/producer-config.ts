import { isSeederError, SeederError } from '../errors/seeder-error.js';
import { loadConfig } from './load-config.js';
import type { ProducerOptions } from './producer-options.js';
import type { SeederConfig } from './seeder-config.js';

/** Each option, and the variable of the workers' configuration it stands for. */
const OPTIONS: Readonly<Record<keyof ProducerOptions, { readonly variable: string; readonly type: 'string' | 'boolean' }>> = {
  redisUrl: { variable: 'REDIS_URL', type: 'string' },
  keyPrefix: { variable: 'KEY_PREFIX', type: 'string' },
  redisCluster: { variable: 'REDIS_CLUSTER', type: 'boolean' },
  appsFile: { variable: 'APPS_FILE', type: 'string' },
};

const HINT = `connectProducer's options are read as the variables the workers read: ${Object.entries(OPTIONS)
  .map(([name, o]) => `${name} as ${o.variable}`)
  .join(', ')}; fix them and connect again`;

/**
 * The configuration of a producer, from its options alone (never from process.env): the options
 * are written under the variables' names and read by loadConfig, so every default, check and
 * derived setting (the apps' key prefixes, MAX_ROBOTS_PER_CALL, the job options) is the one
 * the CLI and the workers use. Tencent's settings are not asked for: a producer never calls it.
 */
export function producerConfig(options: ProducerOptions): SeederConfig {
  const problems: string[] = [];
  const env: Record<string, string> = {};
  // Checked as what a JavaScript caller may pass: anything.
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) {
    problems.push(`options: expected an object such as { redisUrl: 'redis://127.0.0.1:6379' }, got ${String(given)}`);
  } else {
    for (const [name, value] of Object.entries(given)) {
      const option = Object.hasOwn(OPTIONS, name) ? OPTIONS[name as keyof ProducerOptions] : undefined;
      if (option === undefined) {
        // A misspelt keyPrefix would enqueue where no worker looks.
        problems.push(`${name}: not an option; the options are ${Object.keys(OPTIONS).join(', ')}`);
      } else if (value !== undefined) {
        if (typeof value === option.type) env[option.variable] = String(value);
        else problems.push(`${name}: expected a ${option.type}, got ${typeof value}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new SeederError('CONFIG_INVALID', `invalid producer options:\n  - ${problems.join('\n  - ')}`, { hint: HINT });
  }
  try {
    return loadConfig(env, { tencent: false });
  } catch (err) {
    if (isSeederError(err) && err.code === 'CONFIG_INVALID')
      throw new SeederError('CONFIG_INVALID', err.message, { hint: HINT, cause: err });
    throw err;
  }
}
