import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/** Where to reach Redis and how to name what this service keeps there. */
export interface RedisOptions {
  /** `redis://` or `rediss://` URL, credentials included. Never logged. */
  url: string;
  /** Put in front of every key and channel, so deployments (or test runs) sharing a Redis stay apart (default `vw:`). */
  keyPrefix?: string;
  /** Told about lost and regained connections; silent when absent. */
  logger?: Logger;
}

export const DEFAULT_KEY_PREFIX = 'vw:';

/**
 * Opens one connection and waits until it is ready, so a wrong URL or a Redis that is down fails
 * at start instead of on the first call. Rejects (and stops retrying) when the first attempt fails;
 * later drops are retried by ioredis, logged once per outage.
 */
export async function openRedis(options: RedisOptions, role: string): Promise<Redis> {
  const redis = new Redis(options.url, { lazyConnect: true, connectionName: `vw-calls:${role}` });
  // Logged once per outage (ioredis retries on its own); a failure before the first connection is
  // the caller's to report. The error listener also keeps ioredis from printing to the console.
  let lastCode: string | undefined;
  redis.on('error', (error: unknown) => {
    const code = (error as { code?: unknown }).code;
    lastCode = typeof code === 'string' && /^[A-Z_]{1,32}$/.test(code) ? code : undefined;
  });
  let up = false;
  let connectedBefore = false;
  redis.on('reconnecting', () => {
    if (!up) return;
    up = false;
    options.logger?.warn('redis connection lost; retrying', { role, code: lastCode });
  });
  redis.on('ready', () => {
    if (connectedBefore) options.logger?.info('redis connection restored', { role });
    connectedBefore = true;
    up = true;
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new RedisUnavailableError(redisTarget(options.url), error);
  }
  return redis;
}

/** Quits politely, or drops the connection when Redis cannot be told. Never rejects. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/** `host:port/db` of a Redis URL, for logs and errors: never the user name or password. */
export function redisTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const db = parsed.pathname.replace(/^\//, '') || '0';
    return `${parsed.protocol === 'rediss:' ? 'tls:' : ''}${parsed.hostname}:${parsed.port || '6379'}/${db}`;
  } catch {
    return 'an unparsable URL';
  }
}

/** Redis could not be reached at start. Its message names the host, never the credentials. */
export class RedisUnavailableError extends Error {
  constructor(target: string, cause: unknown) {
    super(`Redis at ${target} is not reachable`, { cause });
    this.name = 'RedisUnavailableError';
  }
}
