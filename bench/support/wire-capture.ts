import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../wire-arrivals.py', import.meta.url));

/** What the loopback wire saw of one run's calls, stamped by the kernel (bench/wire-arrivals.py). */
export interface WireFigures {
  readonly calls: number;
  readonly slidingMax: number;
}

export interface WireCapture {
  /** Ends the capture and reads its count. */
  stop(): Promise<WireFigures>;
}

/**
 * Counts the add_robots calls to `port` on the loopback wire from now until stop(): the arrivals
 * at the API as the kernel stamps them, beside the mock's own count (which a stalled mock loop can
 * squeeze). Needs Linux, root and python3; rejects, with what is missing, otherwise.
 */
export async function startWireCapture(port: number): Promise<WireCapture> {
  const child = spawn('python3', [SCRIPT, '--port', String(port), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const ready = new Promise<void>((resolve) => {
    child.stderr.on('data', () => {
      if (err.includes('ready\n')) resolve();
    });
  });
  const first = await Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const)]);
  if (first === 'exited') {
    throw new Error(`bench: the wire capture did not start (it needs Linux, root and python3):\n${err.trim()}`);
  }
  return {
    async stop(): Promise<WireFigures> {
      child.kill('SIGTERM');
      const [code] = await exited;
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || line === '') throw new Error(`bench: the wire capture failed (exit ${code}):\n${err.trim()}`);
      const parsed = JSON.parse(line) as WireFigures;
      return { calls: parsed.calls, slidingMax: parsed.slidingMax };
    },
  };
}
