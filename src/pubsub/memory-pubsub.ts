import type { PubSub } from './pubsub.js';

/**
 * The in-process {@link PubSub} used when no `REDIS_URL` is set: one instance, no network.
 * Each subscriber has its own queue, so a slow reader does not hold up the others; a queue that
 * grows beyond `maxQueued` payloads ends that subscription instead of growing without bound.
 */
export class MemoryPubSub implements PubSub {
  private readonly subscribers = new Map<string, Set<(payload: object) => void>>();
  private readonly stops = new Set<() => void>();

  constructor(private readonly maxQueued = 1_000) {}

  async publish(topic: string, payload: object): Promise<void> {
    for (const deliver of this.subscribers.get(topic) ?? []) deliver(payload);
  }

  async subscribe<T extends object>(topic: string): Promise<AsyncIterableIterator<T>> {
    const queue: T[] = [];
    let wake: ((result: IteratorResult<T>) => void) | undefined;
    let done = false;
    const set = this.subscribers.get(topic) ?? new Set();
    this.subscribers.set(topic, set);

    const stop = () => {
      if (done) return;
      done = true;
      this.stops.delete(stop);
      set.delete(deliver);
      if (set.size === 0) this.subscribers.delete(topic);
      wake?.({ value: undefined, done: true });
      wake = undefined;
    };
    const deliver = (payload: object) => {
      if (wake) {
        const resolve = wake;
        wake = undefined;
        resolve({ value: payload as T, done: false });
      } else if (queue.length >= this.maxQueued) {
        stop();
      } else {
        queue.push(payload as T);
      }
    };
    set.add(deliver);
    this.stops.add(stop);

    const iterator: AsyncIterableIterator<T> = {
      next: () => {
        const value = queue.shift();
        if (value !== undefined) return Promise.resolve({ value, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (wake = resolve));
      },
      return: async () => {
        stop();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Ends every open subscription. */
  async close(): Promise<void> {
    for (const stop of [...this.stops]) stop();
  }
}
