import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux everywhere that matters). */
const TICKS_PER_SECOND = 100;

/** User + system CPU time of a process so far, in microseconds, read from /proc (10 ms resolution). */
export async function cpuMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / TICKS_PER_SECOND;
}

/** What a process has used so far: CPU time split into user and kernel, and read/write syscalls. */
export interface ProcessUsage {
  userMicros: number;
  systemMicros: number;
  /** read-family syscalls (read, readv...): on a socket server, mostly socket reads. */
  readCalls: number;
  /** write-family syscalls (write, writev...): on a socket server, mostly socket writes. */
  writeCalls: number;
  /** Minor page faults: first touches of memory the process mapped (a heap growing, pages handed back and taken again). */
  minorFaults: number;
  /**
   * Times the main thread was switched out while it could still run (preempted), from
   * `nonvoluntary_ctxt_switches`: on this 2-core machine, mostly the load generator woken by a
   * write and run on the server's core (bench/README.md, twelfth session).
   */
  preemptions: number;
}

/** {@link ProcessUsage} from /proc/<pid>/stat and /proc/<pid>/io. */
export async function processUsage(pid: number): Promise<ProcessUsage> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const io = await readFile(`/proc/${pid}/io`, 'utf8');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const count = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? Number.NaN);
  return {
    userMicros: (Number(fields[11]) * 1_000_000) / TICKS_PER_SECOND,
    systemMicros: (Number(fields[12]) * 1_000_000) / TICKS_PER_SECOND,
    readCalls: count('syscr'),
    writeCalls: count('syscw'),
    minorFaults: Number(fields[7]),
    preemptions: Number(/^nonvoluntary_ctxt_switches:\s+(\d+)$/m.exec(status)?.[1] ?? Number.NaN),
  };
}

/** Resident set size of a process, in bytes. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * CPU time so far, in microseconds, of each PostgreSQL backend serving `database` (their process
 * title is `postgres: <user> <database> <client> <state>`), by pid: the database work a server
 * causes does not show in its own process.
 */
export async function postgresCpuByPid(database: string): Promise<Map<number, number>> {
  const byPid = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (title.startsWith('postgres: ') && title.includes(` ${database} `)) byPid.set(Number(entry), await cpuMicros(Number(entry)));
    } catch {
      // The process ended while we looked.
    }
  }
  return byPid;
}

/** CPU used between two {@link postgresCpuByPid} readings by the backends alive at the second (those that ended in between are missed). */
export function postgresCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, micros] of after) total += micros - (before.get(pid) ?? 0);
  return total;
}

/** CPU time spent by the whole machine (every core, every process, not idle or waiting on I/O), in microseconds. */
export async function machineBusyMicros(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number) as number[];
  return ((user! + nice! + system! + irq! + softirq! + steal!) * 1_000_000) / TICKS_PER_SECOND;
}
