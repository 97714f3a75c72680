import { loadConfig, type LoadConfigOptions } from '../../src/config/load-config.js';
import { isSeederError } from '../../src/errors/seeder-error.js';

/** The message of the CONFIG_INVALID loadConfig throws for `env`; fails when it throws nothing or something else. */
export function configProblems(env: Record<string, string>, options: LoadConfigOptions): string {
  try {
    loadConfig(env, options);
  } catch (err) {
    if (isSeederError(err) && err.code === 'CONFIG_INVALID') return err.message;
    throw err;
  }
  throw new Error('expected CONFIG_INVALID');
}
