import type { ChildServer } from '../lib/child.js';
import type { MessageKind } from '../lib/payloads.js';

/** One call of the load: two connected clients, each listening for what the other sends. */
export interface CallLink {
  /** Sends one message from `side` (0: the caller, 1: the callee) to the other side. */
  send(side: 0 | 1, kind: MessageKind, payload: string): void;
}

/** A server under test and the clients the load generator holds on it. */
export interface Target {
  name: string;
  server: ChildServer;
  /** The server's own PostgreSQL database, whose backends' CPU counts as its cost; none for the relays. */
  database?: string;
  /**
   * Opens `count` calls of two clients each, every client listening (a live `signals`
   * subscription, a joined room). Resolves once each side has received a probe from the other,
   * so every listener is known to be live. Every payload delivered to any client goes to `onDeliver`.
   */
  openCalls(count: number, onDeliver: (payload: string) => void): Promise<CallLink[]>;
  /** Sends refused by the server so far (only the real service answers each send), and the first reason. */
  sendErrors(): { count: number; first?: string };
  /** Closes every client and stops the server. */
  close(): Promise<void>;
}

/** Runs `task(i)` for i in [0, count) with at most `limit` at a time; rejects on the first failure. */
export async function inParallel<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

/** A promise resolved by the first call of `hit()`, with a deadline. */
export function firstHit(what: string, timeoutMs = 15_000): { hit: () => void; wait: () => Promise<void> } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return {
    hit: () => resolve(),
    wait: () => {
      let timer: NodeJS.Timeout;
      return Promise.race([
        promise.finally(() => clearTimeout(timer)),
        new Promise<void>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs))),
      ]);
    },
  };
}
