import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface ProcessUsage {
  /** User + system CPU the whole process used since it started, in ms. */
  readonly cpuMs: number;
  /** Peak resident memory (VmHWM), in MB. */
  readonly peakRssMb: number;
}

/** Whole-process figures read from Linux's /proc, start-up included: what an operator pays. */
export function processUsage(pid: number): ProcessUsage {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuMs: (ticks * 1000) / TICKS_PER_SECOND, peakRssMb: Number(hwm?.[1] ?? 0) / 1024 };
}

/** `/proc/loadavg`'s 1, 5 and 15-minute load averages, as printed there: the figures of a run on a shared machine come with it. */
export function machineLoad(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
