import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll } from 'vitest';
import { deleteKeys, TEST_RUN_ENV } from '../support/test-env.js';

/** How long a child killed at the end of a file may take to exit before it counts as left behind. */
const GRACE_MS = 5_000;

/** Live (not zombie) child processes of this test worker: the CLI processes and redis-servers the file started. */
function liveChildren(): string[] {
  const mine = String(process.pid);
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: state, ppid, ...
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (ppid !== mine || state === 'Z') continue;
      found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim().slice(0, 160)}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

async function childrenLeft(): Promise<string[]> {
  if (process.platform !== 'linux') return [];
  const deadline = Date.now() + GRACE_MS;
  let left = liveChildren();
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = liveChildren();
  }
  return left;
}

/**
 * Keys of this run's test prefixes still in the test Redis, which are then removed so that the
 * next file starts clean. Files run one at a time, so they are this file's.
 */
async function keysLeft(): Promise<string[]> {
  const run = process.env[TEST_RUN_ENV];
  return run === undefined ? [] : deleteKeys(`{rs-test-${run}-`);
}

// After every test file (this hook runs after the file's own): a process a test started and did
// not stop would outlive the file, holding ports and connections; keys a test did not delete
// would be found by the next. Either lets a later test pass or fail by luck.
afterAll(async () => {
  const [children, keys] = await Promise.all([childrenLeft(), keysLeft()]);
  const problems: string[] = [];
  if (children.length > 0) problems.push(`${children.length} child processes still running: ${children.join('; ')}`);
  if (keys.length > 0)
    problems.push(
      `${keys.length} Redis keys (now removed; a test must delete its prefix's keys, see deleteKeys): ${keys.slice(0, 5).join(', ')}`,
    );
  if (problems.length > 0) throw new Error(`this test file left ${problems.join('; and ')}`);
});
