import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Where the bench pins its processes: the load generator (this process) on one set of CPUs and
 * every server on another, or nowhere. Unpinned on this 2-core machine, a server's socket write
 * wakes the generator onto the server's own core (a synchronous wake-up) and it runs there,
 * preempting the server, while the other core idles; how often that happens differs from server
 * to server (bench/README.md, twelfth session). Clients of a real deployment are not on the
 * server's machine. The PostgreSQL backends serving a server's own database are pinned with
 * the generator (since the eighteenth session): in a deployment the database has a machine of its
 * own, and on the server's core its background statements preempted the service and set its p99
 * (bench/README.md). The rest of PostgreSQL is left where the kernel puts it.
 */
export const pinning: { generator?: string; server?: string } = {};

/** Pins every thread of `pid` to `cpus` (a taskset list such as `1` or `2-3`); later threads inherit it. */
export function pinProcess(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/**
 * Pins the PostgreSQL backends `pids` (those serving a server's own database) to the generator's
 * CPUs, when the bench pins at all. A backend that ended meanwhile is skipped; one that starts
 * later runs where the kernel puts it until the next step pins it.
 */
export function pinDatabaseBackends(pids: Iterable<number>): void {
  if (!pinning.generator) return;
  for (const pid of pids) {
    try {
      pinProcess(pid, pinning.generator);
    } catch {
      // It ended while we looked.
    }
  }
}

/**
 * Reads `--pin` (`generator:server` CPU lists, or `off`) and pins this process. Returns what
 * was done, for the run's header; falls back to unpinned, saying why, when it cannot pin.
 */
export function setUpPinning(option: string): string {
  if (option === 'off') return 'processes not pinned (--pin off)';
  const match = /^([\d,-]+):([\d,-]+)$/.exec(option);
  if (!match) throw new Error(`--pin must be generator:server CPU lists such as 0:1, or off; got ${JSON.stringify(option)}`);
  if (availableParallelism() < 2) return 'processes not pinned: fewer than 2 CPUs';
  try {
    pinProcess(process.pid, match[1]!);
  } catch {
    return 'processes not pinned: taskset failed (is util-linux installed?)';
  }
  pinning.generator = match[1];
  pinning.server = match[2];
  return `load generator pinned to CPU ${match[1]}, each server to CPU ${match[2]} (--pin off to leave them to the scheduler)`;
}
