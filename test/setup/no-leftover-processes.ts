import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll } from 'vitest';

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

// After every test file (this hook runs after the file's own): a process a test started and did
// not stop would outlive the file, hold ports and Redis connections, and let the next file pass
// or fail by luck.
afterAll(async () => {
  if (process.platform !== 'linux') return;
  const deadline = Date.now() + GRACE_MS;
  let left = liveChildren();
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = liveChildren();
  }
  if (left.length > 0) throw new Error(`this test file left ${left.length} child processes running: ${left.join('; ')}`);
});
