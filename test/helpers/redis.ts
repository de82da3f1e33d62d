import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { redisTarget } from '../../src/pubsub/redis-connection.js';

/** The Redis the tests use: REDIS_URL (CI sets it) or the local default. */
export const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** A key prefix of its own for one test file's run, so runs sharing a Redis never see each other. */
export function testKeyPrefix(): string {
  return `vwtest-${randomBytes(6).toString('hex')}:`;
}

/**
 * Whether Redis answers PING. Under CI (`CI` set) an unreachable Redis fails the file with a clear
 * message; elsewhere it is skipped with a warning saying why. Call at the top of a test file.
 */
export async function redisAvailable(file: string): Promise<boolean> {
  const probe = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  let reachable = false;
  try {
    await probe.connect();
    reachable = (await probe.ping()) === 'PONG';
  } catch {
    reachable = false;
  } finally {
    probe.disconnect();
  }
  const where = `Redis at ${redisTarget(redisUrl)} (${process.env.REDIS_URL ? 'REDIS_URL' : 'the default; set REDIS_URL for another'})`;
  if (!reachable && process.env.CI) {
    throw new Error(`CI must run ${file}, but ${where} is not reachable. .ci/run starts it with \`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\`.`);
  }
  if (!reachable) console.warn(`Skipping ${file}: ${where} is not reachable (start one with \`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\`).`);
  return reachable;
}

/** A plain connection for looking at what the code under test left in Redis. */
export async function inspector(): Promise<Redis> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  return redis;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
