import type { Redis } from 'ioredis';
import { closeRedis, DEFAULT_KEY_PREFIX, openRedis, type RedisOptions } from '../pubsub/redis-connection.js';
import { INBOX_IDLE_MS } from './memory-signal-log.js';
import type { SignalEnvelope } from './signal.js';
import { inboxTopic, type InboxRead, type SignalLog } from './signal-log.js';

export interface RedisSignalLogOptions extends RedisOptions {
  /** How long entries are kept: the reconnect window, in ms. */
  retentionMs: number;
  /** How long an idle inbox keeps its numbering, in ms (default 12 h; at least `retentionMs`). */
  seqTtlMs?: number;
}

/**
 * The three keys of one inbox. The `{...}` hash tag keeps them in one Redis Cluster slot, as a
 * script touching all three requires.
 * - `seq`: the last number given out (INCR); expires `seqTtlMs` after the last append.
 * - `log`: sorted set of envelope JSON scored by seq; expires `retentionMs` after the last append.
 * - `at`: sorted set of seqs scored by acceptance time (ms), to find what aged out; expires with `log`.
 */
export function inboxKeys(keyPrefix: string, callId: string, to: string) {
  const base = `${keyPrefix}{${inboxTopic(callId, to)}}`;
  return { seq: `${base}:seq`, log: `${base}:log`, at: `${base}:at` };
}

// Time comes from Redis (TIME), not from the instances: one clock for numbering, `at` and pruning.
// Entries accepted before now - retention are deleted from `log` and `at`. Kept entries must stay a
// contiguous run of seqs up to the last one (readers tell what was dropped by the lowest kept), so
// the log is cut at the highest seq that aged out, even if a clock step left an older `at` above it.
const PRUNE = `
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local cutoff = string.format('(%d', now - tonumber(ARGV[1]))
local aged = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', cutoff)
if #aged > 0 then
  local highest = 0
  for _, seq in ipairs(aged) do highest = math.max(highest, tonumber(seq)) end
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', highest)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', cutoff)
end
`;

/**
 * KEYS: seq, log, at. ARGV: retentionMs, seqTtlMs, channel, the signal's JSON without seq and at.
 * Numbers, stores, prunes, sets expiries and publishes the envelope, atomically. Returns its JSON.
 */
const APPEND = `${PRUNE}
if redis.call('EXISTS', KEYS[1]) == 0 then
  -- A counter lost (evicted) while the log stayed: numbering goes on after the highest kept entry.
  local highest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  if highest[2] then redis.call('SET', KEYS[1], highest[2]) end
end
local seq = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local envelope = string.format('{"seq":%d,"at":%d,', seq, now) .. string.sub(ARGV[4], 2)
redis.call('ZADD', KEYS[2], seq, envelope)
redis.call('ZADD', KEYS[3], now, seq)
redis.call('PEXPIRE', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[1])
redis.call('PUBLISH', ARGV[3], envelope)
return envelope
`;

/**
 * KEYS: seq, log, at. ARGV: retentionMs, afterSeq. Prunes, then returns { firstKept, entries after
 * afterSeq, nextSeq }: firstKept is the lowest kept seq, or the next seq when none is kept (1 for a
 * new inbox); nextSeq is the seq the next append will get.
 */
const READ = `${PRUNE}
local entries = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[2], '+inf')
local lowest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local highest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
-- Past the highest kept entry even if the counter was lost (evicted) while the log stayed.
local nextSeq = math.max(tonumber(redis.call('GET', KEYS[1])) or 0, tonumber(highest[2] or 0)) + 1
local firstKept = nextSeq
if lowest[2] then
  firstKept = tonumber(lowest[2])
end
return { firstKept, entries, nextSeq }
`;

/** KEYS: seq, log, at. ARGV: retentionMs. Deletes the entries that aged out, nothing else. */
const PRUNE_ONLY = `${PRUNE}
return 0
`;

interface SignalScripts {
  vwSignalAppend(seqKey: string, logKey: string, atKey: string, retentionMs: number, seqTtlMs: number, channel: string, signal: string): Promise<string>;
  vwSignalRead(seqKey: string, logKey: string, atKey: string, retentionMs: number, afterSeq: number): Promise<[number, string[], number]>;
  vwSignalPrune(seqKey: string, logKey: string, atKey: string, retentionMs: number): Promise<number>;
}

/**
 * The {@link SignalLog} shared by every instance: inboxes in Redis (keys in {@link inboxKeys}),
 * appended by one Lua script (EVALSHA) that numbers, stores, prunes and publishes on the inbox's
 * channel, the one {@link RedisPubSub} with the same prefix subscribes to for `topic(callId, to)`.
 * Same semantics as {@link MemorySignalLog}, with Redis's clock.
 */
export class RedisSignalLog implements SignalLog {
  private readonly prefix: string;
  private readonly retentionMs: number;
  private readonly seqTtlMs: number;
  /**
   * The inboxes this instance appended to within the window, by their log's key, with when: pruned
   * four times a window, so a signal nobody reads or follows is gone within a quarter window of
   * aging out, not when its inbox's key expires (a window after its last signal).
   */
  private readonly recent = new Map<string, { keys: ReturnType<typeof inboxKeys>; at: number }>();
  private readonly pruner: NodeJS.Timeout;

  private constructor(
    private readonly redis: Redis & SignalScripts,
    options: RedisSignalLogOptions,
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.retentionMs = options.retentionMs;
    this.seqTtlMs = Math.max(options.seqTtlMs ?? INBOX_IDLE_MS, options.retentionMs);
    redis.defineCommand('vwSignalAppend', { numberOfKeys: 3, lua: APPEND });
    redis.defineCommand('vwSignalRead', { numberOfKeys: 3, lua: READ });
    redis.defineCommand('vwSignalPrune', { numberOfKeys: 3, lua: PRUNE_ONLY });
    this.pruner = setInterval(() => void this.prune(), Math.max(250, Math.floor(this.retentionMs / 4))).unref();
  }

  /** Prunes the inboxes appended to within the window; those whose key expired by now are forgotten. */
  private async prune(): Promise<void> {
    const now = Date.now();
    const due: Promise<number>[] = [];
    for (const [id, { keys, at }] of this.recent) {
      // A window after its last append here, the inbox's log has expired in Redis as a whole.
      if (now - at > this.retentionMs) {
        this.recent.delete(id);
        continue;
      }
      due.push(this.redis.vwSignalPrune(keys.seq, keys.log, keys.at, this.retentionMs));
    }
    // A failure (Redis away) is left to the next round, and to each append and read, which prune too.
    await Promise.allSettled(due);
  }

  /** Opens its connection; rejects with `RedisUnavailableError` when Redis cannot be reached. */
  static async connect(options: RedisSignalLogOptions): Promise<RedisSignalLog> {
    if (!Number.isInteger(options.retentionMs) || options.retentionMs < 1) {
      throw new RangeError(`retentionMs must be a whole number of ms of at least 1, got ${options.retentionMs}`);
    }
    return new RedisSignalLog((await openRedis(options, 'signals')) as Redis & SignalScripts, options);
  }

  topic(callId: string, to: string): string {
    return inboxTopic(callId, to);
  }

  async append(signal: Omit<SignalEnvelope, 'seq' | 'at'>): Promise<SignalEnvelope> {
    const keys = inboxKeys(this.prefix, signal.callId, signal.to);
    // Only the known fields: a stray `seq` or `at` on the argument must not shadow the script's.
    const body = JSON.stringify({ callId: signal.callId, from: signal.from, to: signal.to, kind: signal.kind, payload: signal.payload });
    const channel = `${this.prefix}${this.topic(signal.callId, signal.to)}`;
    const stored = await this.redis.vwSignalAppend(keys.seq, keys.log, keys.at, this.retentionMs, this.seqTtlMs, channel, body);
    const recent = this.recent.get(keys.log);
    if (recent) recent.at = Date.now();
    else this.recent.set(keys.log, { keys, at: Date.now() });
    return JSON.parse(stored) as SignalEnvelope;
  }

  async readAfter(callId: string, to: string, afterSeq: number): Promise<InboxRead> {
    const keys = inboxKeys(this.prefix, callId, to);
    const [firstKept, entries, nextSeq] = await this.redis.vwSignalRead(keys.seq, keys.log, keys.at, this.retentionMs, afterSeq);
    return { entries: entries.map((e) => JSON.parse(e) as SignalEnvelope), firstKept: Number(firstKept), nextSeq: Number(nextSeq) };
  }

  async close(): Promise<void> {
    clearInterval(this.pruner);
    this.recent.clear();
    await closeRedis(this.redis);
  }
}
