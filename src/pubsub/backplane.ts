import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { MemorySignalLog } from '../signaling/memory-signal-log.js';
import type { SignalLog } from '../signaling/signal-log.js';
import { MemoryPubSub } from './memory-pubsub.js';
import type { PubSub } from './pubsub.js';

/** What instances share: live events and the signal inboxes. */
export interface Backplane {
  pubsub: PubSub;
  signalLog: SignalLog;
}

/**
 * Redis when `config.redisUrl` is set (every instance sees every event and inbox), else in-process
 * (one instance). Logs which, naming the Redis host but never its credentials. Rejects with
 * `RedisUnavailableError` when Redis cannot be reached, having closed what it opened.
 */
export async function openBackplane(config: Config, logger: Logger): Promise<Backplane> {
  if (!config.redisUrl) {
    logger.info('pub/sub and signal inboxes in process (one instance; set REDIS_URL for more)', { backplane: 'memory' });
    const pubsub = new MemoryPubSub();
    return { pubsub, signalLog: new MemorySignalLog(pubsub, config.reconnectWindowMs) };
  }
  // Loaded only here: an instance without Redis does not carry ioredis on its heap.
  const [{ RedisPubSub }, { RedisSignalLog }, { redisTarget }] = await Promise.all([
    import('./redis-pubsub.js'), import('../signaling/redis-signal-log.js'), import('./redis-connection.js'),
  ]);
  const redis = { url: config.redisUrl, keyPrefix: config.redisKeyPrefix, logger };
  const pubsub = await RedisPubSub.connect(redis);
  try {
    const signalLog = await RedisSignalLog.connect({ ...redis, retentionMs: config.reconnectWindowMs });
    logger.info('pub/sub and signal inboxes in Redis (shared by every instance)', {
      backplane: 'redis', redis: redisTarget(config.redisUrl), keyPrefix: config.redisKeyPrefix,
    });
    return { pubsub, signalLog };
  } catch (error) {
    await pubsub.close();
    throw error;
  }
}
