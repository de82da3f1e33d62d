/**
 * What a server child measures about itself for the parent: memory after GC, event-loop lag and
 * GC pauses, and CPU and allocation profiles of a window, through the inspector protocol in this
 * process (what `node --cpu-prof` uses, but only for the measured window).
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type { Collected, MemoryReport, PausesReport, ProfileWritten } from './ipc.js';

type Gc = (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** Two full collections, a turn of the event loop apart (what a weak reference or a finalizer freed goes in the second). */
export async function collect(): Promise<Collected> {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { type: 'collected' };
}

/** RSS and heap after full GCs, the last one giving freed pages back to the system. */
export async function memoryReport(): Promise<MemoryReport> {
  await collect();
  const gc = (globalThis as { gc?: Gc }).gc!;
  // A last-resort GC also compacts and gives freed pages back to the system, so RSS shows what
  // is retained rather than the high-water mark of the garbage made while connecting.
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const usage = process.memoryUsage();
  return { type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external };
}

let session: Session | undefined;

/** Starts the V8 CPU profiler, a sample every `intervalUs`. */
export async function startProfile(intervalUs: number): Promise<void> {
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
}

/** Starts the sampling heap profiler, garbage included (allocation, not retention). */
export async function startAllocations(intervalBytes: number): Promise<void> {
  session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: intervalBytes,
    includeObjectsCollectedByMajorGC: process.env.BENCH_HEAP_LIVE !== "1",
    includeObjectsCollectedByMinorGC: process.env.BENCH_HEAP_LIVE !== "1",
  });
}

/** Stops the heap profiler and writes its `.heapprofile` to `file`. */
export async function stopAllocations(file: string): Promise<ProfileWritten> {
  const { profile } = await session!.post('HeapProfiler.stopSampling');
  session!.disconnect();
  session = undefined;
  await writeFile(file, JSON.stringify(profile));
  return { type: 'profile', file };
}

/** Stops the CPU profiler and writes its `.cpuprofile` to `file`. */
export async function stopProfile(file: string): Promise<ProfileWritten> {
  const { profile } = await session!.post('Profiler.stop');
  session!.disconnect();
  session = undefined;
  await writeFile(file, JSON.stringify(profile));
  return { type: 'profile', file };
}

// How late a 20 ms interval fires: a blocked loop (a GC pause, a long task) shows as lag. Coarse on
// purpose: 50 wake-ups a second cost the server next to nothing.
const TICK_MS = 20;
const lags = new Float64Array(8_192);
let lagCount = 0;
let lagMax = 0;
let lastTick = performance.now();
setInterval(() => {
  const now = performance.now();
  const lag = Math.max(0, now - lastTick - TICK_MS);
  lastTick = now;
  lags[lagCount++ % lags.length] = lag;
  lagMax = Math.max(lagMax, lag);
}, TICK_MS).unref();

const gcs = { minorCount: 0, minorMax: 0, majorCount: 0, majorMax: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      gcs.majorCount++;
      gcs.majorMax = Math.max(gcs.majorMax, entry.duration);
    } else if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      gcs.minorCount++;
      gcs.minorMax = Math.max(gcs.minorMax, entry.duration);
    }
  }
}).observe({ entryTypes: ['gc'] });

/** Starts counting loop lag and GC pauses afresh. */
export function resetPauses(): void {
  lagCount = 0;
  lagMax = 0;
  Object.assign(gcs, { minorCount: 0, minorMax: 0, majorCount: 0, majorMax: 0 });
}

/** Loop lag and GC pauses since {@link resetPauses}. */
export function pausesReport(): PausesReport {
  const sorted = lags.slice(0, Math.min(lagCount, lags.length)).sort();
  return {
    type: 'pauses',
    loopDelayP99Ms: sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]! : 0,
    loopDelayMaxMs: lagMax,
    minorGcCount: gcs.minorCount,
    minorGcMaxMs: gcs.minorMax,
    majorGcCount: gcs.majorCount,
    majorGcMaxMs: gcs.majorMax,
  };
}
