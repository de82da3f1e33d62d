import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocketServer } from 'ws';
import { collect, memoryReport, pausesReport, resetPauses, startAllocations, startProfile, stopAllocations, stopProfile } from './probes.js';

/**
 * The child side of the bench's IPC: tells the parent where the server listens, answers memory
 * probes after a full GC (the child runs with --expose-gc), profiles a window on request, and
 * closes the server and exits when told to.
 */
export interface Ready {
  type: 'ready';
  /** Where load-generator clients connect (ws:// or http://). */
  url: string;
}

export interface MemoryReport {
  type: 'memory';
  rss: number;
  heapUsed: number;
  external: number;
}

/** Answers `collect`: the child's heap has been through full collections. */
export interface Collected {
  type: 'collected';
}

export interface ProfileWritten {
  type: 'profile';
  file: string;
}

/** How the event loop fared since the last `pauses-reset`: where a server's tail latency comes from. */
export interface PausesReport {
  type: 'pauses';
  /** Event loop delay: how late a 20 ms interval timer fired, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Scavenges (young generation) and their longest pause, ms. */
  minorGcCount: number;
  minorGcMaxMs: number;
  /** Mark-compacts (whole heap) and their longest pause, ms. */
  majorGcCount: number;
  majorGcMaxMs: number;
}

export type ParentMessage =
  | { type: 'memory' }
  /** Full collections now (see bench/lib/ramp.ts). */
  | { type: 'collect' }
  | { type: 'pauses-reset' }
  | { type: 'pauses' }
  | { type: 'exit' }
  /** Starts the V8 sampling profiler, every `intervalUs` microseconds. */
  | { type: 'profile-start'; intervalUs: number }
  /** Stops it and writes the `.cpuprofile` to `file`. */
  | { type: 'profile-stop'; file: string }
  /** Starts V8's sampling heap profiler, garbage included: where the allocations come from. */
  | { type: 'alloc-start'; intervalBytes: number }
  /** Stops it and writes the `.heapprofile` to `file` (answered with `profile` too). */
  | { type: 'alloc-stop'; file: string };

/** Reports `ready`, then answers the parent's requests (see {@link ParentMessage}) until told to exit. */
export function serveParent(ready: Ready, close: () => Promise<void>): void {
  if (!process.send) throw new Error('run this file through bench/signaling.ts (it needs an IPC channel)');
  const answer = (work: Promise<MemoryReport | PausesReport | ProfileWritten | Collected>) => void work.then((report) => process.send!(report));
  process.on('message', (message: ParentMessage) => {
    switch (message.type) {
      case 'memory':
        return answer(memoryReport());
      case 'collect':
        return answer(collect());
      case 'pauses-reset':
        return resetPauses();
      case 'pauses':
        return answer(Promise.resolve(pausesReport()));
      case 'profile-start':
        return void startProfile(message.intervalUs);
      case 'profile-stop':
        return answer(stopProfile(message.file));
      case 'alloc-start':
        return void startAllocations(message.intervalBytes);
      case 'alloc-stop':
        return answer(stopAllocations(message.file));
      case 'exit':
        // Exit even if close() hangs: the parent is waiting for this process to go away.
        setTimeout(() => process.exit(0), 3_000).unref();
        return void close().finally(() => process.exit(0));
    }
  });
  // The parent died without telling us: do not linger.
  process.on('disconnect', () => process.exit(0));
  process.send(ready);
}

/**
 * For the ws relays: listens on a free loopback port, tells the parent the ws:// address, and on
 * the parent's word terminates every client and closes both servers.
 */
export function listenForParent(httpServer: Server, wss: WebSocketServer): void {
  httpServer.listen(0, '127.0.0.1', () => {
    const { port } = httpServer.address() as AddressInfo;
    serveParent({ type: 'ready', url: `ws://127.0.0.1:${port}/` }, async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => httpServer.close(resolve));
    });
  });
}
