#!/usr/bin/env node
// Runs the compiled CLI: dist/ is made by `npm run build`, which `npm ci` runs (the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('robot-seeder: dist/ has not been built\n  hint: run npm run build (npm ci runs it unless scripts are ignored)\n');
  process.exit(2);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// A handle left open by a library must not keep a finished command alive.
setTimeout(() => process.exit(code), 2000).unref();
