#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so a checkout needs no build step after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// A handle left open by a library must not keep a finished command alive.
setTimeout(() => process.exit(code), 2000).unref();
