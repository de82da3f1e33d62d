import { setTimeout as sleep } from 'node:timers/promises';
import type { Target } from '../targets/target.js';
import { cpuMicros } from './proc.js';

/** The server's CPU use, in cores, over `windowMs` with its clients connected and nothing sent. */
export async function idleCpu(target: Target, windowMs: number): Promise<number> {
  const cpu0 = await cpuMicros(target.server.pid);
  const t0 = performance.now();
  await sleep(windowMs);
  return ((await cpuMicros(target.server.pid)) - cpu0) / 1000 / (performance.now() - t0);
}

export interface IdleMemory {
  connections: number;
  rssPerConnectionBytes: number;
  heapPerConnectionBytes: number;
  /** JS heap plus memory held outside it (buffers), per connection. */
  heapAndExternalPerConnectionBytes: number;
  rssBefore: number;
  rssAfter: number;
}

/**
 * Memory per idle listening connection: opens `warmCalls` calls first (so code and caches are
 * loaded), measures the server after a full GC, opens enough calls for `connections` more
 * clients, each listening, and measures again.
 */
export async function idleMemory(target: Target, connections: number, warmCalls: number): Promise<IdleMemory> {
  const ignore = () => {};
  await target.openCalls(warmCalls, ignore);
  await sleep(500);
  const before = await target.server.memory();
  const calls = Math.ceil(connections / 2);
  await target.openCalls(calls, ignore);
  await sleep(500);
  const after = await target.server.memory();
  return {
    connections: calls * 2,
    rssPerConnectionBytes: (after.rss - before.rss) / (calls * 2),
    heapPerConnectionBytes: (after.heapUsed - before.heapUsed) / (calls * 2),
    heapAndExternalPerConnectionBytes: (after.heapUsed + after.external - before.heapUsed - before.external) / (calls * 2),
    rssBefore: before.rss,
    rssAfter: after.rss,
  };
}
