import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { spawnDefaults } from '../lib/child.js';
import { callgrindNode, dumpInstructions, instrument } from '../lib/instructions.js';
import { fixed, printTable } from '../lib/report.js';
import { Recorder, runStep } from '../lib/step.js';
import { tempDir } from '../lib/temp-dirs.js';
import { targetLabels, type BenchRun } from './mode.js';

export interface InstructionsOptions {
  /** Offered rate of the counted step, messages/s: low, since valgrind slows a server 20-50x. */
  rate: number;
  /** Length of each counted window. */
  durationMs: number;
  /** Counted windows; the summary gives their median and range. */
  windows: number;
  /** Load before counting, at the same rate, for V8 to finish compiling the hot path. */
  warmupMs: number;
  /** A directory to keep each counted window's dump in (`<target>.window<n>.<thread>`), for callgrind_annotate. */
  keepDir?: string;
}

/**
 * User-space instructions per relayed message for each target, counted by callgrind (see
 * bench/lib/instructions.ts): each server runs under valgrind, counting from a warm-up on, then
 * several windows are counted each on its own (V8 may still be compiling in the first). Unlike CPU time on this machine, the count repeats from
 * run to run, so it can show a change of a few percent. The service's timers and presence
 * leases are set to run rarely (BENCH_SERVICE_ENV may override): at the low rate valgrind allows,
 * their work per second would otherwise be counted as work per message.
 */
export async function instructionsMode(run: BenchRun, options: InstructionsOptions): Promise<void> {
  const out = await tempDir('vw-calls-callgrind-');
  if (options.keepDir) await mkdir(options.keepDir, { recursive: true });
  spawnDefaults.execPath = await callgrindNode(out.dir);
  spawnDefaults.startTimeoutMs = 600_000;
  process.env.BENCH_SERVICE_ENV ??= JSON.stringify({ TIMER_POLL_INTERVAL_MS: '60000', PRESENCE_LEASE_MS: '600000' });
  const counted: { name: string; perMessage: number; low: number; high: number }[] = [];
  try {
    for (const name of run.targets) {
      await run.withTarget(name, async (target) => {
        const recorder = new Recorder();
        const links = await target.openCalls(run.calls, recorder.deliver);
        // The generator sleeps between sends: the servers run unpinned under valgrind, and a spinning generator would take a core from them.
        const step = { ...run.step, rate: options.rate, quietWaitMs: 0, drainMs: Math.max(run.step.drainMs, 10_000), generatorWait: 'sleep' as const };
        await instrument(target.server.pid, true);
        // The warm-up is counted and thrown away (a dump zeroes the counters): it pays for
        // compiling the hot path, which V8 does on threads callgrind counts too.
        await runStep(target, links, recorder, 1, { ...step, durationMs: options.warmupMs });
        await dumpInstructions(out.dir, target.server.pid);
        // What the server does with nothing sent (its timers, the probes' own 20 ms timer), per
        // second, taken off the count: at the rate valgrind allows it would weigh on every message.
        const idleStarted = performance.now();
        await new Promise((resolve) => setTimeout(resolve, options.durationMs));
        const idlePerMs = (await dumpInstructions(out.dir, target.server.pid)) / (performance.now() - idleStarted);
        const windows: number[] = [];
        for (let window = 0; window < options.windows; window++) {
          // A full collection first (the servers run with --expose-gc), then one uncounted
          // second: a window then starts with the same heap, and a sporadic mark-compact of
          // garbage from before does not land in one window and not in another.
          await target.server.collect();
          await runStep(target, links, recorder, 100 + window, { ...step, durationMs: 1_000 });
          await dumpInstructions(out.dir, target.server.pid);
          const started = performance.now();
          const result = await runStep(target, links, recorder, 2 + window, { ...step, durationMs: options.durationMs });
          const total = await dumpInstructions(out.dir, target.server.pid, options.keepDir && path.join(options.keepDir, `${name}.window${window + 1}`));
          const idle = idlePerMs * (performance.now() - started);
          windows.push((total - idle) / result.received);
          console.log(`${targetLabels[name] ?? name}, window ${window + 1}: ${result.received} of ${result.sent} messages delivered; ` +
            `${fixed(total / 1e6, 1)} M instructions, ${fixed(idle / 1e6, 1)} M of them at the idle rate: ${fixed(windows.at(-1)! / 1000, 1)} thousand per message`);
        }
        windows.sort((x, y) => x - y);
        counted.push({ name, perMessage: windows[Math.floor(windows.length / 2)]!, low: windows[0]!, high: windows.at(-1)! });
      });
    }
  } finally {
    delete spawnDefaults.execPath;
    delete spawnDefaults.startTimeoutMs;
    await out.remove();
  }
  console.log(`\nuser-space instructions per relayed message (callgrind), ${options.windows} windows of ${options.durationMs / 1000} s at ${options.rate} msg/s after ${options.warmupMs / 1000} s of warm-up:`);
  printTable(['server', 'k instructions/msg (median of windows)', 'range'], counted.map((c) => [targetLabels[c.name] ?? c.name, fixed(c.perMessage / 1000, 1), `${fixed(c.low / 1000, 1)}-${fixed(c.high / 1000, 1)}`]));
  const ratios = counted.flatMap((a) => counted.filter((b) => b !== a).map((b) => [`${targetLabels[a.name] ?? a.name} / ${targetLabels[b.name] ?? b.name}`, `${fixed(a.perMessage / b.perMessage, 2)}x`]));
  if (ratios.length > 0) printTable(['ratio', 'instructions/msg'], ratios);
}
