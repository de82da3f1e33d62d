import { endQuietly, offer, type PubSub, type Sink } from './pubsub.js';
import { pullFrom } from './subscriber-queue.js';

/**
 * What {@link MemoryPubSub.publish} returns: one promise settled once, since nothing is left to
 * wait for when it returns (a caller can tell it apart from a publish that is still under way).
 */
export const PUBLISHED: Promise<void> = Promise.resolve();

/**
 * The in-process {@link PubSub} used when no `REDIS_URL` is set: one instance, no network.
 * `publish` hands the payload to each listener before it returns. An iterator subscriber has its
 * own queue, so a slow reader does not hold up the others; a queue that grows beyond `maxQueued`
 * payloads ends that subscription instead of growing without bound.
 */
export class MemoryPubSub implements PubSub {
  private readonly sinks = new Map<string, Set<Sink<object>>>();

  constructor(private readonly maxQueued = 1_000) {}

  /** Hands the payload to every listener before it returns; resolves with {@link PUBLISHED}. */
  publish(topic: string, payload: object): Promise<void> {
    const sinks = this.sinks.get(topic);
    if (sinks) for (const sink of sinks) if (!offer(sink, payload)) this.drop(topic, sink);
    return PUBLISHED;
  }

  async listen<T extends object>(topic: string, sink: Sink<T>): Promise<() => Promise<void>> {
    let sinks = this.sinks.get(topic);
    if (!sinks) this.sinks.set(topic, (sinks = new Set()));
    const held = sink as Sink<object>;
    sinks.add(held);
    return async () => this.drop(topic, held);
  }

  subscribe<T extends object>(topic: string): Promise<AsyncIterableIterator<T>> {
    return pullFrom<T>(this.maxQueued, (sink) => this.listen(topic, sink));
  }

  /** Ends every open subscription. */
  async close(): Promise<void> {
    const all = [...this.sinks.values()].flatMap((sinks) => [...sinks]);
    this.sinks.clear();
    for (const sink of all) endQuietly(sink);
  }

  private drop(topic: string, sink: Sink<object>): void {
    const sinks = this.sinks.get(topic);
    if (!sinks?.delete(sink)) return;
    if (sinks.size === 0) this.sinks.delete(topic);
  }
}
