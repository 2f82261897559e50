// Per-process resource readings from /proc (Linux): resident memory and CPU time of any child pid, so every
// process of a run (servers and load generators) is measured the same way.

import fs from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ; `getconf CLK_TCK` is 100 on Linux builds

/** VmRSS of `pid` in bytes (0 when the process is gone). */
export function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** User + system CPU time of `pid` in milliseconds. */
export function cpuMillis(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Busy CPU time of the whole machine (all cores) in milliseconds, from /proc/stat. */
export function machineBusyMillis(): number {
  try {
    const fields = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU use of a set of processes over an interval, as percent of one core each. */
export class CpuMeter {
  private readonly start: number[];
  private readonly startBusy = machineBusyMillis();
  private readonly startedAt = performance.now();

  constructor(private readonly pids: readonly number[]) {
    this.start = pids.map(cpuMillis);
  }

  /** Percent of one core used by every other process of the machine (noisy neighbours) since construction. */
  othersPercent(): number {
    const wall = performance.now() - this.startedAt;
    const ours = this.used().reduce((a, b) => a + b, 0);
    return wall > 0 ? Math.max(0, ((machineBusyMillis() - this.startBusy - ours) / wall) * 100) : 0;
  }

  /** CPU milliseconds used by each pid since construction. */
  used(): number[] {
    return this.pids.map((pid, i) => cpuMillis(pid) - (this.start[i] as number));
  }

  /** Percent of one core used by each pid since construction. */
  percents(): number[] {
    const wall = performance.now() - this.startedAt;
    return this.used().map((ms) => (wall > 0 ? (ms / wall) * 100 : 0));
  }
}

/** Wait (up to `maxMs`) until the rest of the machine uses under `maxPercent` of one core over a 2 s window; returns that share. */
export async function waitForIdle(maxMs: number, maxPercent = 15): Promise<number> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const meter = new CpuMeter([]);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const others = meter.othersPercent();
    if (others < maxPercent || Date.now() >= deadline) return others;
  }
}

/** The kernel's count of connections dropped because a listen queue was full (machine-wide, /proc/net/netstat). */
export function listenOverflows(): number {
  try {
    const lines = fs.readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = (lines[0] ?? '').split(/\s+/);
    const values = (lines[1] ?? '').split(/\s+/);
    return Number(values[names.indexOf('ListenOverflows')] ?? 0);
  } catch {
    return 0;
  }
}
