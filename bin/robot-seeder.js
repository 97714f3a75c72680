#!/usr/bin/env node
// Runs the compiled CLI: dist/ (tsc's output, bundled into dist/bundle/) is made by
// `npm run build`, which `npm ci` runs (the prepare script).
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

const entry = new URL('../dist/bundle/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('robot-seeder: dist/ has not been built\n  hint: run npm run build (npm ci runs it unless scripts are ignored)\n');
  process.exit(2);
}
// undici parses HTTP with llhttp compiled to WebAssembly. After some hundred responses V8
// recompiles the parser with its optimizing compiler, which takes some 30 MB of memory for a
// moment: the peak of every busy worker process. The baseline compiler's code is what runs until
// then, and keeps running; CPU per call is the same (BENCHMARKS.md, "One worker with a million
// jobs queued"). Set before any WebAssembly is compiled: undici compiles it at its first connection.
setFlagsFromString('--liftoff-only');
// BullMQ packs with msgpackr and never unpacks; msgpackr's native addon only speeds up unpacking,
// and finding and loading it took 20-35 ms of every start (BENCHMARKS.md, "Start-up").
process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED ??= 'true';
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// A handle left open by a library must not keep a finished command alive.
setTimeout(() => process.exit(code), 2000).unref();
