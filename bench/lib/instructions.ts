/**
 * Instruction counts of a server, from valgrind's callgrind: repeatable for the same code and
 * load, whatever else the machine is doing, where CPU time on this 2-core VM moves by a quarter
 * between runs. Counts the user-space instructions of every thread of the process (V8's
 * collector threads included); the kernel's work for a syscall is not in them.
 */
import { execFile } from 'node:child_process';
import { chmod, copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Writes an executable that runs node under callgrind, instrumentation off until turned on,
 * one output file per process and dump in `dir`. Returns its path, for `fork`'s execPath.
 */
export async function callgrindNode(dir: string): Promise<string> {
  const wrapper = path.join(dir, 'node-under-callgrind');
  const out = path.join(dir, 'callgrind.%p.out');
  await writeFile(wrapper, `#!/bin/sh\nexec valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=${out} ${process.execPath} "$@"\n`);
  await chmod(wrapper, 0o755);
  return wrapper;
}

/**
 * callgrind_control reaches a process through pipes named after its user and host as the
 * process's own USER and HOST variables said (the service runs with HOST=127.0.0.1); it must run
 * with the same ones to find them.
 */
async function control(pid: number, args: string[]): Promise<void> {
  const pipe = (await readdir(tmpdir())).map((f) => new RegExp(`^vgdb-pipe-shared-mem-vgdb-${pid}-by-(.*)-on-(.*)$`).exec(f)).find(Boolean);
  const env = { ...process.env };
  const set = (names: string[], value: string | undefined) => {
    for (const name of names) {
      if (value === undefined || value === '???') delete env[name];
      else env[name] = value;
    }
  };
  set(['USER', 'LOGNAME'], pipe?.[1]);
  set(['HOST'], pipe?.[2]);
  await run('callgrind_control', [...args, String(pid)], { env, timeout: 120_000 });
}

/** Turns the counting on or off in the process `pid` runs under callgrind. */
export async function instrument(pid: number, on: boolean): Promise<void> {
  await control(pid, [`--instr=${on ? 'on' : 'off'}`]);
}

/**
 * Dumps `pid`'s counters since the last zero and returns the instructions they hold (`Ir`); with
 * `keepAs`, the dump (one file per thread that ran) is also copied to `keepAs.<n>`, for
 * callgrind_annotate.
 */
export async function dumpInstructions(dir: string, pid: number, keepAs?: string): Promise<number> {
  const before = new Set(await readdir(dir));
  await control(pid, ['--dump']);
  // A large process may still be writing its dump when callgrind_control returns: wait for the
  // file and its closing `totals:` line (or `summary:`), two minutes at most.
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
    const fresh = (await readdir(dir)).filter((f) => f.startsWith(`callgrind.${pid}.out`) && !before.has(f));
    const totals = await Promise.all(fresh.map(async (file) => /^(?:totals|summary):\s+(\d+)/m.exec(await readFile(path.join(dir, file), 'utf8'))?.[1]));
    if (fresh.length > 0 && totals.every((t) => t !== undefined)) {
      if (keepAs) await Promise.all(fresh.map((file, i) => copyFile(path.join(dir, file), `${keepAs}.${i}`)));
      return totals.reduce((sum, t) => sum + Number(t), 0);
    }
  }
  throw new Error(`callgrind wrote no complete dump for ${pid} within two minutes`);
}
