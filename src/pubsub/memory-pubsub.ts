import type { PubSub } from './pubsub.js';
import { subscriberQueue } from './subscriber-queue.js';

/**
 * The in-process {@link PubSub} used when no `REDIS_URL` is set: one instance, no network.
 * Each subscriber has its own queue, so a slow reader does not hold up the others; a queue that
 * grows beyond `maxQueued` payloads ends that subscription instead of growing without bound.
 */
export class MemoryPubSub implements PubSub {
  private readonly subscribers = new Map<string, Set<(payload: object) => void>>();
  private readonly stops = new Set<() => Promise<void>>();

  constructor(private readonly maxQueued = 1_000) {}

  async publish(topic: string, payload: object): Promise<void> {
    for (const deliver of this.subscribers.get(topic) ?? []) deliver(payload);
  }

  async subscribe<T extends object>(topic: string): Promise<AsyncIterableIterator<T>> {
    const set = this.subscribers.get(topic) ?? new Set();
    this.subscribers.set(topic, set);
    const subscriber = subscriberQueue<T>(this.maxQueued, () => {
      this.stops.delete(subscriber.stop);
      set.delete(deliver);
      if (set.size === 0) this.subscribers.delete(topic);
    });
    const deliver = subscriber.deliver as (payload: object) => void;
    set.add(deliver);
    this.stops.add(subscriber.stop);
    return subscriber.iterator;
  }

  /** Ends every open subscription. */
  async close(): Promise<void> {
    await Promise.all([...this.stops].map((stop) => stop()));
  }
}
