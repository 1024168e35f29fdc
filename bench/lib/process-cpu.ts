/**
 * CPU time of processes and of the machine, from /proc (Linux): what each process of a benchmark
 * spent over a window, read from outside, so the reading costs the measured process nothing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcessTimes {
  parentPid: number;
  /** When it started (ticks since boot): tells a process from a later one with its pid. */
  startTicks: number;
  cpuSeconds: number;
}

/** One process's times; undefined once it is gone. */
function readProcess(pid: number): ProcessTimes | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command (which may hold spaces), from field 3 (state) on.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  return { parentPid: field(4), startTicks: field(22), cpuSeconds: (field(14) + field(15)) / TICKS_PER_SECOND };
}

export type CpuSnapshot = Map<number, ProcessTimes>;

export function snapshot(pids: Iterable<number>): CpuSnapshot {
  const taken: CpuSnapshot = new Map();
  for (const pid of pids) {
    const times = readProcess(pid);
    if (times) taken.set(pid, times);
  }
  return taken;
}

/** A process and all its children (e.g. the postmaster and its backends). */
export function withChildren(parentPid: number): number[] {
  const pids = [parentPid];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (readProcess(Number(entry))?.parentPid === parentPid) pids.push(Number(entry));
  }
  return pids;
}

/** The parent of a process (the postmaster of a backend, from pg_backend_pid()). */
export function parentOf(pid: number): number | undefined {
  return readProcess(pid)?.parentPid;
}

/**
 * CPU seconds the given processes spent between the snapshots; one started in between counts
 * whole (it did all its work in the window). One that ended in between is not seen.
 */
export function cpuSecondsBetween(before: CpuSnapshot, after: CpuSnapshot, pids?: Iterable<number>): number {
  let total = 0;
  for (const pid of pids ?? after.keys()) {
    const end = after.get(pid);
    if (!end) continue;
    const start = before.get(pid);
    total += start?.startTicks === end.startTicks ? end.cpuSeconds - start.cpuSeconds : end.cpuSeconds;
  }
  return total;
}

/** The machine's busy and total CPU time so far (all cores, from /proc/stat), in seconds. */
export function machineCpu(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
  const total = ticks.reduce((sum, t) => sum + t, 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}
