import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { endQuietly, offer, type PubSub, type Sink } from './pubsub.js';
import { pullFrom } from './subscriber-queue.js';
import { closeRedis, DEFAULT_KEY_PREFIX, openRedis, type RedisOptions } from './redis-connection.js';

export interface RedisPubSubOptions extends RedisOptions {
  /** Payloads one subscriber may have waiting before its subscription is ended (default 1 000). */
  maxQueued?: number;
}

/** One Redis channel as this instance holds it: its local listeners, and the SUBSCRIBE they wait on. */
interface Channel {
  sinks: Set<Sink<object>>;
  subscribed: Promise<unknown>;
}

/**
 * The {@link PubSub} for many instances: a Redis channel per topic (`<prefix><topic>`), JSON
 * payloads. One connection publishes, one subscribes; a channel is SUBSCRIBEd when its first local
 * subscriber arrives and UNSUBSCRIBEd when the last one leaves, so Redis sends an instance only
 * what someone on it listens to. Listeners get each payload as its message arrives; as in
 * {@link MemoryPubSub}, an iterator subscriber has its own queue of at most `maxQueued` payloads,
 * and overflowing it ends that subscription.
 *
 * A payload published while the subscriber connection is down is lost (ioredis resubscribes on
 * reconnect); the signal relay fills such gaps from its log.
 */
export class RedisPubSub implements PubSub {
  private readonly channels = new Map<string, Channel>();
  private readonly prefix: string;
  private readonly maxQueued: number;
  private readonly logger?: Logger;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    options: RedisPubSubOptions,
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.maxQueued = options.maxQueued ?? 1_000;
    this.logger = options.logger;
    subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  /** Opens both connections; rejects with `RedisUnavailableError` when Redis cannot be reached. */
  static async connect(options: RedisPubSubOptions): Promise<RedisPubSub> {
    const publisher = await openRedis(options, 'publish');
    try {
      return new RedisPubSub(publisher, await openRedis(options, 'subscribe'), options);
    } catch (error) {
      await closeRedis(publisher);
      throw error;
    }
  }

  /** The Redis channel that carries `topic`. */
  channel(topic: string): string {
    return `${this.prefix}${topic}`;
  }

  async publish(topic: string, payload: object): Promise<void> {
    await this.publisher.publish(this.channel(topic), JSON.stringify(payload));
  }

  /** Resolves once Redis has confirmed the SUBSCRIBE, so a publish made after it, from any instance, arrives. */
  async listen<T extends object>(topic: string, sink: Sink<T>): Promise<() => Promise<void>> {
    const name = this.channel(topic);
    let channel = this.channels.get(name);
    if (!channel) {
      // Commands on one connection run in order, so a SUBSCRIBE sent after a pending UNSUBSCRIBE wins.
      channel = { sinks: new Set(), subscribed: this.subscriber.subscribe(name) };
      this.channels.set(name, channel);
    }
    const held = channel;
    const mine = sink as Sink<object>;
    // Listen before the confirmation arrives: a message may follow it before this function resumes.
    held.sinks.add(mine);
    const unlisten = () => this.drop(name, held, mine);
    try {
      await held.subscribed;
    } catch (error) {
      await unlisten();
      throw error;
    }
    return unlisten;
  }

  subscribe<T extends object>(topic: string): Promise<AsyncIterableIterator<T>> {
    return pullFrom<T>(this.maxQueued, (sink) => this.listen(topic, sink),
      () => this.logger?.warn('subscriber fell behind; subscription ended', { maxQueued: this.maxQueued }));
  }

  /** Ends every open subscription, then quits both connections. */
  async close(): Promise<void> {
    // Local ends only: the subscriber connection is about to go, and its subscriptions with it.
    const sinks = [...this.channels.values()].flatMap((channel) => [...channel.sinks]);
    this.channels.clear();
    for (const sink of sinks) endQuietly(sink);
    await Promise.all([closeRedis(this.publisher), closeRedis(this.subscriber)]);
  }

  /** Removes a listener; the last one of a channel UNSUBSCRIBEs it. */
  private async drop(name: string, channel: Channel, sink: Sink<object>): Promise<void> {
    if (!channel.sinks.delete(sink)) return;
    if (channel.sinks.size === 0 && this.channels.get(name) === channel) {
      this.channels.delete(name);
      await this.subscriber.unsubscribe(name).catch(() => undefined);
    }
  }

  private dispatch(name: string, message: string): void {
    const channel = this.channels.get(name);
    if (!channel) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch {
      this.logger?.warn('dropped a pub/sub message that is not JSON', { bytes: message.length });
      return;
    }
    if (typeof payload !== 'object' || payload === null) return;
    for (const sink of [...channel.sinks]) if (!offer(sink, payload)) void this.drop(name, channel, sink);
  }
}
