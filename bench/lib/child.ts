import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pinning, pinProcess } from './pin.js';
import type { Collected, MemoryReport, ParentMessage, PausesReport, ProfileWritten, Ready } from '../servers/ipc.js';

/** A server under test, running in a child process of its own. */
export interface ChildServer {
  pid: number;
  /** Where clients connect, as the child reported it. */
  url: string;
  /** RSS and heap of the child after a full GC. */
  memory(): Promise<MemoryReport>;
  /** Has the child run full collections; resolves once they are done. */
  collect(): Promise<void>;
  /** Starts counting event-loop delay and GC pauses afresh. */
  resetPauses(): void;
  /** Event-loop delay and GC pauses since {@link resetPauses}. */
  pauses(): Promise<PausesReport>;
  /** Starts the child's CPU profiler (sampling every `intervalUs`). */
  startProfile(intervalUs: number): void;
  /** Stops it and has the child write the profile to `file`; resolves once written. */
  stopProfile(file: string): Promise<void>;
  /** Starts the child's sampling heap profiler (one sample every `intervalBytes` allocated, garbage included). */
  startAllocationProfile(intervalBytes: number): void;
  /** Stops it and has the child write the `.heapprofile` to `file`; resolves once written. */
  stopAllocationProfile(file: string): Promise<void>;
  /** Asks the child to close and exit (so a CPU profile gets written); kills it after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  /** Arguments after the entry file. */
  args?: string[];
  env?: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  startTimeoutMs?: number;
  /**
   * Runs node under valgrind's callgrind with instrumentation off until `callgrind_control
   * --instr=on` (bench/lib/instructions.ts): a node executable path that wraps it.
   */
  execPath?: string;
}

const live = new Set<ChildProcess>();

/** Options every server of this run starts with unless its target says otherwise (the instructions mode sets them). */
export const spawnDefaults: Pick<SpawnOptions, 'execPath' | 'startTimeoutMs'> = {};

/** Kills every child still running; for the parent's exit paths. */
export function killAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** Starts `bench/servers/<file>` under tsx with --expose-gc and waits for its `ready`. */
export async function spawnServer(file: string, given: SpawnOptions = {}): Promise<ChildServer> {
  const options = { ...spawnDefaults, ...given };
  const entry = fileURLToPath(new URL(`../servers/${file}`, import.meta.url));
  const child = fork(entry, options.args ?? [], {
    execPath: options.execPath,
    execArgv: ['--expose-gc', '--import', 'tsx', ...(options.nodeArgs ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => (live.delete(child), resolve())));
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start within ${options.startTimeoutMs ?? 60_000} ms`)), options.startTimeoutMs ?? 60_000);
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
    child.once('message', (message: Ready) => {
      clearTimeout(timer);
      resolve(message);
    });
  }).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  if (pinning.server) pinProcess(child.pid!, pinning.server);
  const send = (message: ParentMessage) => child.send(message);
  /** Sends `message` and resolves with the child's first answer of type `type`. */
  const ask = <R extends { type: string }>(message: ParentMessage, type: R['type'], timeoutMs = 30_000) =>
    new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${file} did not answer ${message.type} within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (answer: R) => {
        if (answer.type !== type) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(answer);
      };
      child.on('message', onMessage);
      send(message);
    });
  return {
    pid: child.pid!,
    url: ready.url,
    memory: () => ask<MemoryReport>({ type: 'memory' }, 'memory'),
    collect: async () => void (await ask<Collected>({ type: 'collect' }, 'collected')),
    resetPauses: () => send({ type: 'pauses-reset' }),
    pauses: () => ask<PausesReport>({ type: 'pauses' }, 'pauses'),
    startProfile: (intervalUs) => send({ type: 'profile-start', intervalUs }),
    stopProfile: async (path) => void (await ask<ProfileWritten>({ type: 'profile-stop', file: path }, 'profile')),
    startAllocationProfile: (intervalBytes) => send({ type: 'alloc-start', intervalBytes }),
    stopAllocationProfile: async (path) => void (await ask<ProfileWritten>({ type: 'alloc-stop', file: path }, 'profile')),
    stop: async (graceMs = 5_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      send({ type: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
