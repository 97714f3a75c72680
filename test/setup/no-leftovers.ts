import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { baselineOf, beyond, describeLeftovers, liveResources, type ResourceCounts, type Snapshot } from '../support/live-resources.js';
import { deleteKeys, TEST_RUN_ENV } from '../support/test-env.js';

/** How long a child killed at the end of a file may take to exit before it counts as left behind. */
const GRACE_MS = 5_000;

/**
 * How long a handle may take to close after the file's last hook: a socket ended or a server
 * closed without being awaited is gone within milliseconds, vitest's own timer within 100 ms. A
 * leak (a server never closed, an interval never cleared) is still there however long one waits.
 */
const HANDLE_GRACE_MS = 1_000;

/** Counted before the test file is loaded: the runner's own pipes, all a file may leave. */
const baseline = baselineOf(liveResources());
/** Counted around every test, to name in a failure the test or hook that opened what was left. */
const snapshots: Snapshot[] = [];

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

/** The handles and timers beyond the baseline once those being closed have had HANDLE_GRACE_MS to go. */
async function handlesLeft(): Promise<{ extra: ResourceCounts; final: ResourceCounts }> {
  const deadline = Date.now() + HANDLE_GRACE_MS;
  let final = liveResources();
  // Checked often: the connection keysLeft() has just dropped is usually what is still closing.
  while (beyond(final, baseline).size > 0 && Date.now() < deadline) {
    await sleep(5);
    final = liveResources();
  }
  return { extra: beyond(final, baseline), final };
}

beforeAll(() => {
  snapshots.push({ after: 'the file’s import (module-level code)', counts: liveResources() });
});

// These run first before each test and last after it (hooks of a setup file wrap the file's).
beforeEach(({ task }) => {
  snapshots.push({ after: `a beforeAll or beforeEach hook before test "${task.fullTestName}"`, counts: liveResources() });
});

afterEach(({ task }) => {
  snapshots.push({ after: `test "${task.fullTestName}"`, counts: liveResources() });
});

// After every test file (this hook runs after the file's own): a process a test started and did
// not stop would outlive the file, holding ports and connections; keys a test did not delete
// would be found by the next file. Either lets a later test pass or fail by luck. A server,
// connection or timer still open in this process is a test that did not clean up (its reconnecting
// client or interval kept working under the file's later tests) or a bug of the code under test (a
// close() that does not release everything keeps a CLI from exiting). Handles are checked per
// file, not per test: most files start servers, Redis connections and workers once (beforeAll), and
// their connections and timers come and go under every test, so only at the file's end is each one
// known to be due closed; the failure names the test or hook that opened what was left.
afterAll(async () => {
  const [children, keys] = await Promise.all([childrenLeft(), keysLeft()]);
  const { extra, final } = await handlesLeft();
  const problems: string[] = [];
  if (children.length > 0) problems.push(`${children.length} child processes still running: ${children.join('; ')}`);
  if (keys.length > 0)
    problems.push(
      `${keys.length} Redis keys (now removed; a test must delete its prefix's keys, see deleteKeys): ${keys.slice(0, 5).join(', ')}`,
    );
  if (extra.size > 0)
    problems.push(
      `handles open in the test process (close, clear or await what opened them): ${describeLeftovers(extra, final, snapshots).join('; ')}`,
    );
  if (problems.length > 0) throw new Error(`this test file left ${problems.join('; and ')}`);
});
