import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { PubSub } from './pubsub.js';
import { subscriberQueue } from './subscriber-queue.js';
import { closeRedis, DEFAULT_KEY_PREFIX, openRedis, type RedisOptions } from './redis-connection.js';

export interface RedisPubSubOptions extends RedisOptions {
  /** Payloads one subscriber may have waiting before its subscription is ended (default 1 000). */
  maxQueued?: number;
}

type Deliver = (payload: object) => void;

/** One Redis channel as this instance holds it: its local subscribers, and the SUBSCRIBE they wait on. */
interface Channel {
  deliveries: Set<Deliver>;
  subscribed: Promise<unknown>;
}

/**
 * The {@link PubSub} for many instances: a Redis channel per topic (`<prefix><topic>`), JSON
 * payloads. One connection publishes, one subscribes; a channel is SUBSCRIBEd when its first local
 * subscriber arrives and UNSUBSCRIBEd when the last one leaves, so Redis sends an instance only
 * what someone on it listens to. As in {@link MemoryPubSub}, each subscriber has its own queue of
 * at most `maxQueued` payloads; overflowing it ends that subscription.
 *
 * A payload published while the subscriber connection is down is lost (ioredis resubscribes on
 * reconnect); the signal relay fills such gaps from its log.
 */
export class RedisPubSub implements PubSub {
  private readonly channels = new Map<string, Channel>();
  private readonly stops = new Set<() => Promise<void>>();
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
  async subscribe<T extends object>(topic: string): Promise<AsyncIterableIterator<T>> {
    const name = this.channel(topic);
    let channel = this.channels.get(name);
    if (!channel) {
      // Commands on one connection run in order, so a SUBSCRIBE sent after a pending UNSUBSCRIBE wins.
      channel = { deliveries: new Set(), subscribed: this.subscriber.subscribe(name) };
      this.channels.set(name, channel);
    }
    const held = channel;
    const subscriber = subscriberQueue<T>(
      this.maxQueued,
      async () => {
        this.stops.delete(subscriber.stop);
        held.deliveries.delete(deliver);
        if (held.deliveries.size === 0 && this.channels.get(name) === held) {
          this.channels.delete(name);
          await this.subscriber.unsubscribe(name).catch(() => undefined);
        }
      },
      () => this.logger?.warn('subscriber fell behind; subscription ended', { maxQueued: this.maxQueued }),
    );
    const deliver = subscriber.deliver as Deliver;
    // Listen before the confirmation arrives: a message may follow it before this function resumes.
    held.deliveries.add(deliver);
    this.stops.add(subscriber.stop);
    try {
      await held.subscribed;
    } catch (error) {
      await subscriber.stop();
      throw error;
    }
    return subscriber.iterator;
  }

  /** Ends every open subscription, then quits both connections. */
  async close(): Promise<void> {
    // Local ends only: the subscriber connection is about to go, and its subscriptions with it.
    for (const channel of this.channels.values()) channel.deliveries.clear();
    this.channels.clear();
    await Promise.all([...this.stops].map((stop) => stop()));
    await Promise.all([closeRedis(this.publisher), closeRedis(this.subscriber)]);
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
    for (const deliver of [...channel.deliveries]) deliver(payload);
  }
}
