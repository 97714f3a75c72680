import { SeederError } from '../errors/seeder-error.js';
import type { AppConfig } from './seeder-config.js';
import type { SeederConfig } from './seeder-config.js';

/**
 * The app a piece of work names; with one app configured the name may be left out. `ask` is how
 * the caller names an app, for the message when it must (the CLI's `--app NAME`, the API's `?app=NAME`).
 */
export function findApp(config: SeederConfig, name: string | undefined, ask = '--app NAME'): AppConfig {
  if (name === undefined) {
    const [only, ...others] = config.apps;
    if (only !== undefined && others.length === 0) return only;
    throw new SeederError('USAGE', `several apps are configured (${appNames(config)}): say which one with ${ask}`);
  }
  const app = config.apps.find((a) => a.name === name);
  if (app === undefined) {
    throw new SeederError('NOT_FOUND', `unknown app ${JSON.stringify(name)}; the apps configured are: ${appNames(config)}`, {
      hint: 'use one of these names (APPS_FILE lists the apps; without it the one app is "default")',
    });
  }
  return app;
}

/** The apps named (`--app` given), or all of them: for commands that read or act on every app by default. */
export function selectApps(config: SeederConfig, name: string | undefined): readonly AppConfig[] {
  return name === undefined ? config.apps : [findApp(config, name)];
}

export function appNames(config: SeederConfig): string {
  return config.apps.map((a) => a.name).join(', ');
}
