import type { Redis } from 'ioredis';
import { closeRedis, DEFAULT_KEY_PREFIX, openRedis, type RedisOptions } from '../pubsub/redis-connection.js';
import { INBOX_IDLE_MS } from './memory-signal-log.js';
import type { SignalEnvelope, UnnumberedSignal } from './signal.js';
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
 * - `numbering`: hash of `seq`, the last number given out, and `epoch`, the epoch of that
 *   numbering (see `SignalEnvelope.epoch`): one key, so Redis never evicts one without the other;
 *   expires `seqTtlMs` after the last append.
 * - `log`: sorted set of envelope JSON scored by seq; expires `retentionMs` after the last append.
 * - `at`: sorted set of seqs scored by acceptance time (ms), to find what aged out; expires with `log`.
 */
export function inboxKeys(keyPrefix: string, callId: string, to: string) {
  const base = `${keyPrefix}{${inboxTopic(callId, to)}}`;
  return { numbering: `${base}:numbering`, log: `${base}:log`, at: `${base}:at` };
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

// The inbox's numbering, for append and read: returns its epoch. With no numbering kept and no
// entry, it starts (again, if Redis lost the inbox): at seq 0, the clock's ms its epoch. A
// numbering lost (evicted) while the log stayed goes on after the highest kept entry, in that
// entry's epoch. ARGV[2] is seqTtlMs.
const NUMBERING = `
local function numbering()
  local epoch = redis.call('HGET', KEYS[1], 'epoch')
  if epoch then return tonumber(epoch) end
  local seq, newest = 0, redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  epoch = now
  if newest[2] then
    seq = newest[2]
    epoch = cjson.decode(newest[1]).epoch or now
  end
  redis.call('HSET', KEYS[1], 'seq', seq, 'epoch', string.format('%d', epoch))
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return epoch
end
`;

/**
 * KEYS: numbering, log, at. ARGV: retentionMs, seqTtlMs, channel, the signal's JSON without seq,
 * at and epoch. Numbers, stores, prunes, sets expiries and publishes the envelope, atomically.
 * Returns its JSON.
 */
const APPEND = `${PRUNE}${NUMBERING}
local epoch = numbering()
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local envelope = string.format('{"seq":%d,"at":%d,"epoch":%d,', seq, now, epoch) .. string.sub(ARGV[4], 2)
redis.call('ZADD', KEYS[2], seq, envelope)
redis.call('ZADD', KEYS[3], now, seq)
redis.call('PEXPIRE', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[1])
redis.call('PUBLISH', ARGV[3], envelope)
return envelope
`;

/**
 * KEYS: numbering, log, at. ARGV: retentionMs, seqTtlMs, afterSeq. Prunes, starts the numbering if
 * there is none, then returns { firstKept, entries after afterSeq, nextSeq, epoch } (as strings,
 * but the entries): firstKept is the lowest kept seq, or the next seq when none is kept (1 for a
 * new inbox); nextSeq is the seq the next append will get.
 */
const READ = `${PRUNE}${NUMBERING}
local epoch = numbering()
local entries = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[3], '+inf')
local lowest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local nextSeq = tonumber(redis.call('HGET', KEYS[1], 'seq')) + 1
local firstKept = nextSeq
if lowest[2] then
  firstKept = tonumber(lowest[2])
end
return { string.format('%d', firstKept), entries, string.format('%d', nextSeq), string.format('%d', epoch) }
`;

/** KEYS: numbering, log, at. ARGV: retentionMs. Deletes the entries that aged out, nothing else. */
const PRUNE_ONLY = `${PRUNE}
return 0
`;

interface SignalScripts {
  vwSignalAppend(numberingKey: string, logKey: string, atKey: string, retentionMs: number, seqTtlMs: number, channel: string, signal: string): Promise<string>;
  vwSignalRead(numberingKey: string, logKey: string, atKey: string, retentionMs: number, seqTtlMs: number, afterSeq: number): Promise<[string, string[], string, string]>;
  vwSignalPrune(numberingKey: string, logKey: string, atKey: string, retentionMs: number): Promise<number>;
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
      due.push(this.redis.vwSignalPrune(keys.numbering, keys.log, keys.at, this.retentionMs));
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

  async append(signal: UnnumberedSignal): Promise<SignalEnvelope> {
    const keys = inboxKeys(this.prefix, signal.callId, signal.to);
    // Only the known fields: a stray `seq`, `at` or `epoch` on the argument must not shadow the script's.
    const body = JSON.stringify({ callId: signal.callId, from: signal.from, to: signal.to, kind: signal.kind, payload: signal.payload });
    const channel = `${this.prefix}${this.topic(signal.callId, signal.to)}`;
    const stored = await this.redis.vwSignalAppend(keys.numbering, keys.log, keys.at, this.retentionMs, this.seqTtlMs, channel, body);
    const recent = this.recent.get(keys.log);
    if (recent) recent.at = Date.now();
    else this.recent.set(keys.log, { keys, at: Date.now() });
    return JSON.parse(stored) as SignalEnvelope;
  }

  async readAfter(callId: string, to: string, afterSeq: number): Promise<InboxRead> {
    const keys = inboxKeys(this.prefix, callId, to);
    const [firstKept, entries, nextSeq, read] = await this.redis.vwSignalRead(keys.numbering, keys.log, keys.at, this.retentionMs, this.seqTtlMs, afterSeq);
    const epoch = Number(read);
    return {
      entries: entries.map((e) => {
        const entry = JSON.parse(e) as SignalEnvelope;
        // An entry stored before epochs were written has none: it is of the numbering kept.
        entry.epoch ??= epoch;
        return entry;
      }),
      firstKept: Number(firstKept),
      nextSeq: Number(nextSeq),
      epoch,
    };
  }

  async close(): Promise<void> {
    clearInterval(this.pruner);
    this.recent.clear();
    await closeRedis(this.redis);
  }
}
