import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

/**
 * Runs `script`, an ES module that may import src/ TypeScript (through tsx), in a Node process of
 * its own: for what must not touch the test runner's process (V8's flags and heap, exit hooks).
 */
export function runModuleScript(script: string, timeoutMs = 60_000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: timeoutMs });
}

/** An `import` specifier for a file under src/, given as relative to `from` (the test's `import.meta.url`). */
export function srcSpecifier(relative: string, from: string): string {
  return JSON.stringify(new URL(relative, from).href);
}
