import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The production entry point: it runs the compiled dist/, which test/build-dist.ts brings up to date before any test. */
export const BIN = fileURLToPath(new URL('../../bin/robot-seeder.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `robot-seeder` process whose output is collected. */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exits. */
  readonly exited: Promise<CliResult>;
}

/** `robot-seeder ARGS`; `stdin: 'pipe'` lets the test write its standard input; `bin`: another copy's entry point (an installed package's). */
export function startCli(
  args: readonly string[],
  env: Record<string, string>,
  o: { stdin?: 'ignore' | 'pipe'; bin?: string } = {},
): CliProcess {
  return startProcess(process.execPath, [o.bin ?? BIN, ...args], env, o.stdin ?? 'ignore');
}

/** `sh -c SCRIPT`, for pipelines; the script finds `$NODE` and `$BIN` (robot-seeder) in its environment. */
export function startShell(script: string, env: Record<string, string>): CliProcess {
  return startProcess('sh', ['-c', script], { ...env, NODE: process.execPath, BIN }, 'ignore');
}

function startProcess(command: string, args: readonly string[], env: Record<string, string>, stdin: 'ignore' | 'pipe'): CliProcess {
  const child = spawn(command, args, {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    stdio: [stdin, 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err }));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs a command to its end. */
export function runCli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return startCli(args, env).exited;
}

/** The JSON log lines of a process's stderr (other lines are skipped). */
export function logLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
