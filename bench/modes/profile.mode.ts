import path from 'node:path';
import { summarizeAllocations, summarizeProfile } from '../lib/profile-summary.js';
import { Recorder, runStep } from '../lib/step.js';
import { describeStep, fixed, printTable } from '../lib/report.js';
import { tempDir } from '../lib/temp-dirs.js';
import type { BenchRun } from './mode.js';

export interface ProfileOptions {
  /** Offered rate of the profiled steps, messages/s. */
  rate: number;
  durationMs: number;
  /** CPU profiler sampling interval, µs. */
  intervalUs: number;
}

/**
 * Where each target's server spends its time and what it allocates, at one rate: after a
 * warm-up, one step under the CPU profiler, then one under the sampling heap profiler (garbage
 * included), each summarized by stage of the hot path, by package or file, and by function. The
 * profiles are kept for a closer look (Chrome DevTools or speedscope open them).
 */
export async function profileMode(run: BenchRun, options: ProfileOptions): Promise<void> {
  const profiles = await tempDir('vw-calls-profile-');
  const dir = profiles.dir;
  const seconds = options.durationMs / 1000;
  try {
    for (const name of run.targets) {
      await run.withTarget(name, async (target) => {
        const recorder = new Recorder();
        const links = await target.openCalls(run.calls, recorder.deliver);
        await runStep(target, links, recorder, 1, { ...run.step, rate: Math.floor(options.rate / 2), durationMs: 2_000 });
        await target.server.collect();

        const cpuFile = path.join(dir, `${name}.cpuprofile`);
        target.server.startProfile(options.intervalUs);
        const cpuStep = await runStep(target, links, recorder, 2, { ...run.step, rate: options.rate, durationMs: options.durationMs });
        await target.server.stopProfile(cpuFile);
        const cpu = await summarizeProfile(cpuFile);
        const us = (ms: number) => fixed((ms * 1000) / cpuStep.received, 2);
        const share = (ms: number) => fixed((100 * ms) / cpu.busyMs, 1);
        console.log(`\n${target.name}: CPU profile of ${seconds} s at ${options.rate} msg/s, a sample every ${options.intervalUs} µs`);
        console.log(describeStep(cpuStep));
        console.log(`  sampled busy time on the main thread: ${fixed(cpu.busyMs, 0)} ms = ${us(cpu.busyMs)} µs per delivered message`);
        printTable(['self time by stage of the hot path', 'µs/msg', '%'], cpu.byStage.map(([k, ms]) => [k, us(ms), share(ms)]));
        printTable(['self time by place', 'µs/msg', '%'], cpu.byPlace.map(([k, ms]) => [k, us(ms), share(ms)]));
        printTable(['self time by function', 'µs/msg', '%'], cpu.topSelf.map(([k, ms]) => [k, us(ms), share(ms)]));
        printTable(['inclusive time (within one synchronous stack)', 'µs/msg', '%'], cpu.topInclusive.map(([k, ms]) => [k, us(ms), share(ms)]));

        const heapFile = path.join(dir, `${name}.heapprofile`);
        target.server.startAllocationProfile(16 * 1024);
        const heapStep = await runStep(target, links, recorder, 3, { ...run.step, rate: options.rate, durationMs: options.durationMs });
        await target.server.stopAllocationProfile(heapFile);
        const heap = await summarizeAllocations(heapFile);
        const kib = (bytes: number) => fixed(bytes / 1024 / heapStep.received, 2);
        const part = (bytes: number) => fixed((100 * bytes) / heap.totalBytes, 1);
        console.log(`\n${target.name}: allocations over ${seconds} s at ${options.rate} msg/s (sampled every 16 KiB, garbage included): ` +
          `${kib(heap.totalBytes)} KiB per delivered message`);
        printTable(['allocated by stage of the hot path', 'KiB/msg', '%'], heap.byStage.map(([k, b]) => [k, kib(b), part(b)]));
        printTable(['allocated by place', 'KiB/msg', '%'], heap.byPlace.map(([k, b]) => [k, kib(b), part(b)]));
        printTable(['allocated by function', 'KiB/msg', '%'], heap.topSelf.map(([k, b]) => [k, kib(b), part(b)]));
      });
    }
    profiles.keep();
    console.log(`\nprofiles kept in ${dir}`);
  } catch (error) {
    await profiles.remove();
    throw error;
  }
}
