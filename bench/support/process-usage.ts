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
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuMs: processCpuMs(pid), peakRssMb: Number(hwm?.[1] ?? 0) / 1024 };
}

/** User + system CPU the whole process used since it started, in ms (/proc/<pid>/stat). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** `/proc/loadavg`'s 1, 5 and 15-minute load averages, as printed there: the figures of a run on a shared machine come with it. */
export function machineLoad(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** The summed CPU of some processes, sampled as they run: what a span of wall-clock time cost them. */
export interface CpuTimeline {
  /** Their summed CPU in ms at `unixMs`, interpolated between the samples around it. */
  cpuMsAt(unixMs: number): number;
  stop(): void;
}

/**
 * Samples the processes' summed CPU every `everyMs` until stopped. Reads only /proc/<pid>/stat:
 * the benchmark shares the machine's cores with what it measures.
 */
export function followCpu(pids: readonly number[], everyMs = 250): CpuTimeline {
  const samples: { readonly atMs: number; readonly cpuMs: number }[] = [];
  const sample = (): void => {
    samples.push({ atMs: Date.now(), cpuMs: pids.reduce((sum, pid) => sum + processCpuMs(pid), 0) });
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    cpuMsAt(unixMs) {
      const after = samples.findIndex((s) => s.atMs >= unixMs);
      if (after === -1) return samples.at(-1)?.cpuMs ?? 0;
      const b = samples[after];
      const a = samples[after - 1];
      if (b === undefined || a === undefined) return b?.cpuMs ?? 0;
      return a.cpuMs + ((b.cpuMs - a.cpuMs) * (unixMs - a.atMs)) / Math.max(1, b.atMs - a.atMs);
    },
    stop: () => clearInterval(timer),
  };
}
