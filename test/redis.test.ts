import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { MemoryPubSub } from '../src/pubsub/memory-pubsub.js';
import type { PubSub, Sink } from '../src/pubsub/pubsub.js';
import { redisTarget } from '../src/pubsub/redis-connection.js';
import { RedisPubSub } from '../src/pubsub/redis-pubsub.js';
import { MemorySignalLog } from '../src/signaling/memory-signal-log.js';
import { inboxKeys, RedisSignalLog } from '../src/signaling/redis-signal-log.js';
import { SignalKind, type SignalEnvelope, type UnnumberedSignal } from '../src/signaling/signal.js';
import type { SignalLog } from '../src/signaling/signal-log.js';
import { MAX_QUEUED_SIGNALS, SignalRelay } from '../src/signaling/signal-relay.js';
import { pullFrom } from '../src/pubsub/subscriber-queue.js';
import { withDeadline } from './helpers/client.js';
import { deleteKeys, inspector, redisAvailable, redisUrl, testKeyPrefix } from './helpers/redis.js';
import { waitFor } from './helpers/wait.js';

const available = await redisAvailable('test/redis.test.ts');
const keyPrefix = testKeyPrefix();
const otherPrefix = testKeyPrefix();

let admin: Redis;
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  if (available) admin = await inspector();
});
afterAll(async () => {
  for (const handle of opened) await handle.close();
  if (!admin) return;
  await deleteKeys(admin, keyPrefix);
  await deleteKeys(admin, otherPrefix);
  await admin.quit();
});

async function pubsub(options: { keyPrefix?: string; maxQueued?: number } = {}): Promise<RedisPubSub> {
  const opening = await RedisPubSub.connect({ url: redisUrl, keyPrefix, ...options });
  opened.push(opening);
  return opening;
}

async function signalLog(retentionMs: number): Promise<RedisSignalLog> {
  const log = await RedisSignalLog.connect({ url: redisUrl, keyPrefix, retentionMs });
  opened.push(log);
  return log;
}

/** The next value of `iterator`, failing after `ms`. */
async function next<T>(iterator: AsyncIterator<T>, ms = 2_000): Promise<IteratorResult<T>> {
  return withDeadline(iterator.next(), ms, 'the next payload');
}

/** How many connections Redis has subscribed to `channel`. */
async function subscribers(channel: string): Promise<number> {
  const reply = (await admin.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
  return Number(reply[1]);
}

/** A relay inbox read as an iterator, as GraphQL execution reads a `signals` subscription. */
function readInbox(relay: SignalRelay, callId: string, to: string, afterSeq: number, epoch: number | null = null): Promise<AsyncIterableIterator<SignalEnvelope>> {
  return pullFrom<SignalEnvelope>(MAX_QUEUED_SIGNALS, async (sink) => {
    const inbox = await relay.openPush(callId, to, afterSeq, epoch, sink);
    inbox.start();
    return inbox.stop;
  });
}

/**
 * Waits until the clock is past the millisecond of an epoch just given, as it is by the time a
 * real restart is over: a numbering started after this gets another epoch.
 */
const pastTheEpoch = () => sleep(5);

function signal(callId: string, to: string, payload: string, from = 'ada'): UnnumberedSignal {
  return { callId, from, to, kind: SignalKind.RENEGOTIATE, payload };
}

describe.skipIf(!available)('RedisPubSub', () => {
  it('delivers a JSON payload published on one instance to every subscriber of that topic on every instance, and to no other topic or prefix', async () => {
    const [a, b, elsewhere] = [await pubsub(), await pubsub(), await pubsub({ keyPrefix: otherPrefix })];
    const onB1 = await b.subscribe<object>('user:x:incoming');
    const onB2 = await b.subscribe<object>('user:x:incoming');
    const onA = await a.subscribe<object>('user:x:incoming');
    const otherUser = await b.subscribe<object>('user:y:incoming');
    const otherPrefixed = await elsewhere.subscribe<object>('user:x:incoming');
    // One Redis subscription per instance, however many local subscribers it has.
    expect(await subscribers(`${keyPrefix}user:x:incoming`)).toBe(2);

    const payload = { event: 'RINGING', callId: randomUUID(), nested: { list: [1, 'two', null], flag: true }, text: 'ünïcode "quoted"' };
    await a.publish('user:x:incoming', payload);
    for (const iterator of [onB1, onB2, onA]) expect((await next(iterator)).value).toEqual(payload);

    // Each channel is delivered in publish order, so when these arrive first, the payload above never came.
    await a.publish('user:y:incoming', { only: 'y' });
    expect((await next(otherUser)).value).toEqual({ only: 'y' });
    await elsewhere.publish('user:x:incoming', { only: 'other prefix' });
    expect((await next(otherPrefixed)).value).toEqual({ only: 'other prefix' });
  });

  it('resolves subscribe only once Redis confirmed it, so a publish right after from another instance reaches it', async () => {
    const [a, b] = [await pubsub(), await pubsub()];
    for (let i = 0; i < 40; i++) {
      const topic = `call:${randomUUID()}:events`;
      const live = await b.subscribe<{ i: number }>(topic);
      await a.publish(topic, { i });
      expect((await next(live)).value).toEqual({ i });
      await live.return!();
    }
  });

  it('unsubscribes the channel when the last local subscriber returns, ending that iterator only', async () => {
    const [a, b] = [await pubsub(), await pubsub()];
    const topic = `call:${randomUUID()}:events`;
    const channel = `${keyPrefix}${topic}`;
    const first = await b.subscribe<{ n: number }>(topic);
    const second = await b.subscribe<{ n: number }>(topic);
    expect(await subscribers(channel)).toBe(1);

    const waiting = first.next();
    await first.return!();
    expect(await withDeadline(waiting, 1_000, 'the pending next() to end')).toEqual({ value: undefined, done: true });
    expect(await subscribers(channel)).toBe(1);
    await a.publish(topic, { n: 1 });
    expect((await next(second)).value).toEqual({ n: 1 });

    await second.return!();
    expect(await subscribers(channel)).toBe(0);
    expect(await second.next()).toEqual({ value: undefined, done: true });

    // And a new subscriber subscribes it again.
    const third = await b.subscribe<{ n: number }>(topic);
    expect(await subscribers(channel)).toBe(1);
    await a.publish(topic, { n: 2 });
    expect((await next(third)).value).toEqual({ n: 2 });
  });

  it('ends a subscriber that falls more than maxQueued payloads behind, without holding up the others', async () => {
    const [a, b] = [await pubsub(), await pubsub({ maxQueued: 2 })];
    const topic = `call:${randomUUID()}:events`;
    const slow = await b.subscribe<{ n: number }>(topic);
    const fast = await b.subscribe<{ n: number }>(topic);
    for (let n = 1; n <= 3; n++) {
      await a.publish(topic, { n });
      expect((await next(fast)).value).toEqual({ n });
    }
    // Both were handed each payload together: the third overflowed the slow one's queue of two.
    expect((await next(slow)).value).toEqual({ n: 1 });
    expect((await next(slow)).value).toEqual({ n: 2 });
    expect(await next(slow)).toEqual({ value: undefined, done: true });
    expect(await subscribers(`${keyPrefix}${topic}`)).toBe(1);
    await a.publish(topic, { n: 4 });
    expect((await next(fast)).value).toEqual({ n: 4 });
  });

  it('close() ends every iterator and quits both connections', async () => {
    const closing = await RedisPubSub.connect({ url: redisUrl, keyPrefix });
    const topic = `call:${randomUUID()}:events`;
    const iterator = await closing.subscribe(topic);
    const waiting = iterator.next();
    await closing.close();
    expect(await withDeadline(waiting, 1_000, 'the pending next() to end')).toEqual({ value: undefined, done: true });
    await waitFor(async () => ((await subscribers(`${keyPrefix}${topic}`)) === 0 ? true : undefined), 'the subscriber connection to go', 2_000);
    await expect(closing.publish(topic, {})).rejects.toThrow();
  });

  it('refuses to open when Redis is not reachable, naming the host and never the password', async () => {
    const error = await RedisPubSub.connect({ url: 'redis://user:s3cret-pw@127.0.0.1:1/0', keyPrefix }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('RedisUnavailableError');
    expect((error as Error).message).toBe('Redis at 127.0.0.1:1/0 is not reachable');
    expect(redisTarget('rediss://default:s3cret-pw@cache.internal:6380/2')).toBe('tls:cache.internal:6380/2');
  });
});

/** A log and the pub/sub it publishes on, for the contract both implementations must meet. */
interface LogUnderTest {
  log: SignalLog;
  pubsub: PubSub;
  /** The log as it is after the server lost a call's inboxes: a one-process service restarted, a Redis that lost its data. */
  lose(callId: string): Promise<SignalLog>;
}

const implementations: [string, boolean, (retentionMs: number) => Promise<LogUnderTest>][] = [
  ['MemorySignalLog', true, async (retentionMs) => {
    const memory = new MemoryPubSub();
    const log = new MemorySignalLog(memory, retentionMs);
    opened.push(log, memory);
    const lose = async () => {
      const restarted = new MemorySignalLog(memory, retentionMs);
      opened.push(restarted);
      return restarted;
    };
    return { log, pubsub: memory, lose };
  }],
  ['RedisSignalLog', available, async (retentionMs) => {
    const log = await signalLog(retentionMs);
    const lose = async (callId: string) => {
      await pastTheEpoch();
      const lost = await admin.keys(`${keyPrefix}{${log.topic(callId, '')}*`);
      if (lost.length > 0) await admin.del(...lost);
      return log;
    };
    return { log, pubsub: await pubsub(), lose };
  }],
];

describe.each(implementations)('%s (the SignalLog contract)', (_name, runs, open) => {
  it.skipIf(!runs)('numbers each inbox 1..n, independently of the other inboxes and calls, stamped with the time accepted', async () => {
    const { log } = await open(30_000);
    const [call, otherCall] = [randomUUID(), randomUUID()];
    const before = Date.now();
    const seqs: string[] = [];
    for (const [c, to] of [[call, 'bob'], [call, 'bob'], [call, 'al'], [otherCall, 'bob'], [call, 'bob'], [call, 'al']] as const) {
      const stored = await log.append(signal(c, to, `${to}@${c === call ? 'call' : 'other'}`));
      expect(stored).toMatchObject({ callId: c, from: 'ada', to, kind: 'RENEGOTIATE', payload: `${to}@${c === call ? 'call' : 'other'}` });
      expect(stored.at).toBeGreaterThanOrEqual(before - 1_000);
      expect(stored.at).toBeLessThanOrEqual(Date.now() + 1_000);
      seqs.push(`${c === call ? 'call' : 'other'}/${to}:${stored.seq}`);
    }
    expect(seqs).toEqual(['call/bob:1', 'call/bob:2', 'call/al:1', 'other/bob:1', 'call/bob:3', 'call/al:2']);
  });

  it.skipIf(!runs)('reads the kept entries after a seq, oldest first, with the seq of the oldest kept and the next one, in one epoch', async () => {
    const { log } = await open(30_000);
    const call = randomUUID();
    const before = Date.now();
    // A read of an inbox with nothing in it starts its numbering: the first append has its epoch.
    const { epoch } = await log.readAfter(call, 'bob', 0);
    expect(epoch).toBeGreaterThanOrEqual(before - 1_000);
    expect(await log.readAfter(call, 'bob', 0)).toEqual({ entries: [], firstKept: 1, nextSeq: 1, epoch });
    const stored: SignalEnvelope[] = [];
    for (const payload of ['one', 'two', 'three']) stored.push(await log.append(signal(call, 'bob', payload)));
    expect(stored.map((e) => e.epoch)).toEqual([epoch, epoch, epoch]);
    expect(await log.readAfter(call, 'bob', 0)).toEqual({ entries: stored, firstKept: 1, nextSeq: 4, epoch });
    expect(await log.readAfter(call, 'bob', 2)).toEqual({ entries: [stored[2]], firstKept: 1, nextSeq: 4, epoch });
    expect(await log.readAfter(call, 'bob', 3)).toEqual({ entries: [], firstKept: 1, nextSeq: 4, epoch });
    // An afterSeq the inbox never reached is told apart by nextSeq.
    expect(await log.readAfter(call, 'bob', 9)).toEqual({ entries: [], firstKept: 1, nextSeq: 4, epoch });
    // Another inbox's numbering is its own, and its epoch never an earlier one.
    const al = await log.readAfter(call, 'al', 0);
    expect(al).toMatchObject({ entries: [], firstKept: 1, nextSeq: 1 });
    expect(al.epoch).toBeGreaterThanOrEqual(epoch);
  });

  it.skipIf(!runs)('answers an afterSeq its inbox never reached (numbering started again) with RESYNC, then every signal kept, then live ones, each once', async () => {
    const { log, pubsub: bus } = await open(30_000);
    const relay = new SignalRelay(log, bus);
    const [call, empty] = [randomUUID(), randomUUID()];
    // Sent since the numbering started again; the reader still holds seq 57 from before.
    await log.append(signal(call, 'bob', 'since the restart'));
    await log.append(signal(call, 'bob', 'the ICE restart offer'));
    const stream = await readInbox(relay, call, 'bob', 57);
    expect((await next(stream)).value).toMatchObject({ kind: 'RESYNC', seq: 0 });
    expect((await next(stream)).value).toMatchObject({ seq: 1, payload: 'since the restart' });
    expect((await next(stream)).value).toMatchObject({ seq: 2, payload: 'the ICE restart offer' });
    await log.append(signal(call, 'bob', 'live'));
    expect((await next(stream)).value).toMatchObject({ seq: 3, payload: 'live' });
    await stream.return!();
    // An inbox with nothing in it yet: the first live signal (seq 1) is not dropped as already seen.
    const fresh = await readInbox(relay, empty, 'bob', 5);
    expect((await next(fresh)).value).toMatchObject({ kind: 'RESYNC', seq: 0 });
    await log.append(signal(empty, 'bob', 'first after the restart'));
    expect((await next(fresh)).value).toMatchObject({ seq: 1, payload: 'first after the restart' });
    await fresh.return!();
    // A reader that is not ahead gets no RESYNC: what it missed, then live.
    const behind = await readInbox(relay, call, 'bob', 3);
    await log.append(signal(call, 'bob', 'next'));
    expect((await next(behind)).value).toMatchObject({ seq: 4, payload: 'next' });
    await behind.return!();
  });

  it.skipIf(!runs)('answers a resume from a numbering the inbox no longer has with RESYNC, then every signal kept, even once the new numbering passed afterSeq', async () => {
    const { log, pubsub: bus, lose } = await open(30_000);
    const call = randomUUID();
    let processed: SignalEnvelope | undefined;
    for (let i = 1; i <= 3; i++) processed = await log.append(signal(call, 'bob', `before ${i}`));
    const restarted = await lose(call);
    const since: SignalEnvelope[] = [];
    for (let i = 1; i <= 5; i++) since.push(await restarted.append(signal(call, 'bob', `since ${i}`)));
    expect(since.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(since[0]!.epoch).toBeGreaterThan(processed!.epoch);
    const relay = new SignalRelay(restarted, bus);

    // The reader processed seq 3 of the old numbering; 3 of the new one is not what it saw.
    const stream = await readInbox(relay, call, 'bob', processed!.seq, processed!.epoch);
    expect((await next(stream)).value).toMatchObject({ kind: 'RESYNC', seq: 0, epoch: since[0]!.epoch });
    for (const sent of since) expect((await next(stream)).value).toEqual(sent);
    const live = await restarted.append(signal(call, 'bob', 'live'));
    expect((await next(stream)).value).toEqual(live);
    await stream.return!();

    // In the numbering it has, the reader gets what followed, and no RESYNC.
    const current = await readInbox(relay, call, 'bob', 3, since[0]!.epoch);
    expect((await next(current)).value).toEqual(since[3]);
    await current.return!();
    // Without an epoch the two numberings cannot be told apart: the new one's first three are not delivered.
    const blind = await readInbox(relay, call, 'bob', processed!.seq);
    expect((await next(blind)).value).toEqual(since[3]);
    await blind.return!();
  });

  it.skipIf(!runs)('publishes each entry on its own inbox topic only, as it is appended', async () => {
    const { log, pubsub: bus } = await open(30_000);
    const call = randomUUID();
    const bob = await bus.subscribe<SignalEnvelope>(log.topic(call, 'bob'));
    const al = await bus.subscribe<SignalEnvelope>(log.topic(call, 'al'));
    const first = await log.append(signal(call, 'bob', 'first'));
    const second = await log.append(signal(call, 'bob', 'second'));
    expect((await next(bob)).value).toEqual(first);
    expect((await next(bob)).value).toEqual(second);
    const alsOwn = await log.append(signal(call, 'al', 'for al'));
    expect((await next(al)).value).toEqual(alsOwn);
    await bob.return!();
    await al.return!();
  });

  it.skipIf(!runs)('forgets entries older than the retention but keeps numbering, and says what was dropped', async () => {
    const { log } = await open(300);
    const call = randomUUID();
    await log.append(signal(call, 'bob', 'old 1'));
    await log.append(signal(call, 'bob', 'old 2'));
    const gone = await waitFor(async () => {
      const read = await log.readAfter(call, 'bob', 0);
      return read.entries.length === 0 ? read : undefined;
    }, 'the entries to age out', 5_000);
    expect(gone).toMatchObject({ firstKept: 3, nextSeq: 3 });
    const third = await log.append(signal(call, 'bob', 'new'));
    expect(third.seq).toBe(3);
    // Entries aging out is no new numbering: the epoch stays.
    expect(third.epoch).toBe(gone.epoch);
    expect(await log.readAfter(call, 'bob', 0)).toEqual({ entries: [third], firstKept: 3, nextSeq: 4, epoch: gone.epoch });
  });

  it.skipIf(!runs)('drops exactly the entries that aged out, keeping a contiguous run up to the last', async () => {
    const { log, pubsub: bus } = await open(300);
    const call = randomUUID();
    const first = await log.append(signal(call, 'bob', 'first'));
    let last = first;
    // Keep appending until the first entry has aged out while later ones are still kept.
    const read = await waitFor(async () => {
      last = await log.append(signal(call, 'bob', 'more'));
      const after = await log.readAfter(call, 'bob', 0);
      return after.entries[0]!.seq > first.seq ? after : undefined;
    }, 'the first entry to age out', 5_000);
    const seqs = read.entries.map((e) => e.seq);
    expect(read.firstKept).toBe(seqs[0]);
    expect(seqs).toEqual(seqs.map((_, i) => read.firstKept + i));
    expect(seqs.at(-1)).toBe(last.seq);
    for (const e of read.entries) expect(e.at).toBeGreaterThanOrEqual(last.at - 300);

    // A relay stream from the start says what it can no longer give, then gives what is kept, then live.
    const stream = await readInbox(new SignalRelay(log, bus), call, 'bob', 0);
    const resync = (await next(stream)).value as SignalEnvelope;
    // More may have aged out since `read`, so the stream may start later, never earlier.
    expect(resync.kind).toBe('RESYNC');
    expect(resync.seq).toBeGreaterThanOrEqual(read.firstKept - 1);
    const kept: SignalEnvelope[] = [];
    // Entries may keep aging out while this reads; what arrives is in order, right after the RESYNC, and ends at the last.
    while (kept.at(-1)?.seq !== last.seq) kept.push((await next(stream)).value as SignalEnvelope);
    expect(kept.map((e) => e.seq)).toEqual(kept.map((_, i) => resync.seq + 1 + i));
    const live = await log.append(signal(call, 'bob', 'live'));
    expect((await next(stream)).value).toEqual(live);
    await stream.return!();
  });
});

describe.skipIf(!available)('RedisSignalLog in Redis', () => {
  it('deletes aged-out entries from Redis and lets the inbox expire, while its numbering lives 12 h', async () => {
    const log = await signalLog(300);
    const call = randomUUID();
    const keys = inboxKeys(keyPrefix, call, 'bob');
    for (let i = 0; i < 3; i++) await log.append(signal(call, 'bob', `entry ${i}`));
    expect(await admin.zcard(keys.log)).toBe(3);
    expect(await admin.zcard(keys.at)).toBe(3);
    expect(await admin.pttl(keys.log)).toBeLessThanOrEqual(300);
    expect(await admin.pttl(keys.numbering)).toBeGreaterThan(11 * 3_600_000);
    await waitFor(async () => ((await admin.exists(keys.log, keys.at)) === 0 ? true : undefined), 'the entry keys to expire', 5_000);
    expect(await admin.hget(keys.numbering, 'seq')).toBe('3');
    expect((await log.append(signal(call, 'bob', 'after'))).seq).toBe(4);
  });

  it('prunes an inbox nobody writes or reads any more within a quarter window of its signals aging out', async () => {
    const log = await signalLog(2_000);
    const call = randomUUID();
    const keys = inboxKeys(keyPrefix, call, 'bob');
    await log.append(signal(call, 'bob', 'old'));
    const appended = Date.now();
    await sleep(1_000);
    await log.append(signal(call, 'bob', 'newer'));
    // The key lives until 2 s after the newer one; the old one ages out 1 s before that, and goes
    // then (the pruner runs every 500 ms), with nothing written to or read from the inbox between.
    const pruned = await waitFor(async () => ((await admin.zcard(keys.log)) === 1 ? Date.now() : undefined), 'the old entry to be pruned', 5_000);
    expect(pruned - appended).toBeLessThan(2_000 + 900);
    expect((await admin.zrange(keys.log, 0, -1)).map((e) => (JSON.parse(e) as SignalEnvelope).payload)).toEqual(['newer']);
    expect(await admin.zcard(keys.at)).toBe(1);
  });

  it('tells a stream that stays open across a Redis that lost its data: RESYNC, then the new numbering from 1', async () => {
    const log = await signalLog(30_000);
    const relay = new SignalRelay(log, await pubsub());
    const call = randomUUID();
    const keys = inboxKeys(keyPrefix, call, 'bob');
    const stream = await readInbox(relay, call, 'bob', 0);
    for (let i = 1; i <= 3; i++) {
      await log.append(signal(call, 'bob', `before ${i}`));
      expect((await next(stream)).value).toMatchObject({ seq: i });
    }
    // Redis restarted without persistence: the inbox is gone, the subscription lives on.
    await admin.del(keys.numbering, keys.log, keys.at);
    await log.append(signal(call, 'bob', 'the ICE restart offer'));
    expect((await next(stream)).value).toMatchObject({ kind: 'RESYNC', seq: 0 });
    expect((await next(stream)).value).toMatchObject({ seq: 1, payload: 'the ICE restart offer' });
    await log.append(signal(call, 'bob', 'then a candidate'));
    expect((await next(stream)).value).toMatchObject({ seq: 2, payload: 'then a candidate' });
    await stream.return!();
  });

  it('tells a stream whose subscriber missed the first signals of a new numbering, even when the next one follows its last seq', async () => {
    const log = await signalLog(30_000);
    // Redis's pub/sub, except that the subscriber misses what was published while it reconnected.
    const redis = await pubsub();
    const missed = (payload: unknown) => (payload as SignalEnvelope).payload.startsWith('while reconnecting');
    const reconnecting: PubSub = {
      publish: (topic, payload) => redis.publish(topic, payload),
      listen: <T extends object>(topic: string, sink: Sink<T>) =>
        redis.listen<T>(topic, { next: (payload) => void (missed(payload) || sink.next(payload)), end: (error) => sink.end(error) }),
      subscribe: (topic) => redis.subscribe(topic),
      close: () => redis.close(),
    };
    const call = randomUUID();
    const keys = inboxKeys(keyPrefix, call, 'bob');
    const stream = await readInbox(new SignalRelay(log, reconnecting), call, 'bob', 0);
    for (let i = 1; i <= 3; i++) {
      await log.append(signal(call, 'bob', `before ${i}`));
      expect((await next(stream)).value).toMatchObject({ seq: i });
    }
    await pastTheEpoch();
    // Redis restarted without persistence: three signals were numbered 1-3 before the subscriber
    // was back, and the one after them is seq 4, just what the stream expects next by seq alone.
    await admin.del(keys.numbering, keys.log, keys.at);
    const lost: SignalEnvelope[] = [];
    for (let i = 1; i <= 3; i++) lost.push(await log.append(signal(call, 'bob', `while reconnecting ${i}`)));
    const fourth = await log.append(signal(call, 'bob', 'back'));
    expect(fourth.seq).toBe(4);
    expect((await next(stream)).value).toMatchObject({ kind: 'RESYNC', seq: 0, epoch: fourth.epoch });
    for (const sent of [...lost, fourth]) expect((await next(stream)).value).toEqual(sent);
    await stream.return!();
  });

  it('numbers on after the highest kept entry, in its epoch, when the numbering alone was lost (evicted)', async () => {
    const log = await signalLog(30_000);
    const call = randomUUID();
    const keys = inboxKeys(keyPrefix, call, 'bob');
    for (let i = 0; i < 3; i++) await log.append(signal(call, 'bob', `kept ${i}`));
    const { epoch } = await log.readAfter(call, 'bob', 0);
    await pastTheEpoch();
    await admin.del(keys.numbering);
    expect(await log.readAfter(call, 'bob', 3)).toEqual({ entries: [], firstKept: 1, nextSeq: 4, epoch });
    expect(await log.append(signal(call, 'bob', 'after'))).toMatchObject({ seq: 4, epoch });
    await admin.del(keys.numbering);
    expect(await log.append(signal(call, 'bob', 'later'))).toMatchObject({ seq: 5, epoch });
    expect(await admin.hgetall(keys.numbering)).toEqual({ seq: '5', epoch: String(epoch) });
  });

  it('reads an entry stored before epochs were written as one of the numbering kept, and gives such a log a numbering of its own when that was lost', async () => {
    const log = await signalLog(30_000);
    const call = randomUUID();
    const keys = inboxKeys(keyPrefix, call, 'bob');
    const first = await log.append(signal(call, 'bob', 'with an epoch'));
    // As the code before epochs stored it: no epoch in the JSON.
    const old = { seq: 2, at: first.at, callId: call, from: 'ada', to: 'bob', kind: 'RENEGOTIATE', payload: 'without one' };
    await admin.zadd(keys.log, 2, JSON.stringify(old));
    await admin.zadd(keys.at, first.at, 2);
    await admin.hset(keys.numbering, 'seq', 2);
    expect((await log.readAfter(call, 'bob', 0)).entries).toEqual([first, { ...old, epoch: first.epoch }]);
    // The numbering lost, and the newest entry tells no epoch: numbering goes on after it in a new one.
    await pastTheEpoch();
    await admin.del(keys.numbering);
    const read = await log.readAfter(call, 'bob', 2);
    expect(read).toMatchObject({ entries: [], firstKept: 1, nextSeq: 3 });
    expect(read.epoch).toBeGreaterThan(first.epoch);
    expect(await log.append(signal(call, 'bob', 'after'))).toMatchObject({ seq: 3, epoch: read.epoch });
    expect(Number(await admin.pttl(keys.numbering))).toBeGreaterThan(11 * 3_600_000);
  });

  it('removes the aged-out members themselves on append, not only from what it returns', async () => {
    const log = await signalLog(300);
    const call = randomUUID();
    const keys = inboxKeys(keyPrefix, call, 'bob');
    await log.append(signal(call, 'bob', 'first'));
    await waitFor(async () => {
      await log.append(signal(call, 'bob', 'more'));
      const lowest = await admin.zrange(keys.log, 0, 0, 'WITHSCORES');
      return Number(lowest[1]) > 1 ? true : undefined;
    }, 'the first entry to be pruned', 5_000);
    const { entries, firstKept } = await log.readAfter(call, 'bob', 0);
    const stored = await admin.zrange(keys.log, 0, -1, 'WITHSCORES');
    expect(stored.filter((_, i) => i % 2 === 1).map(Number)).toEqual(entries.map((e) => e.seq));
    expect(Number(stored[1])).toBe(firstKept);
    expect(await admin.zcard(keys.at)).toBe(entries.length);
  });

  it('gives concurrent appends from two instances distinct consecutive seqs, published in seq order', async () => {
    const [one, two] = [await signalLog(30_000), await signalLog(30_000)];
    const bus = await pubsub();
    const call = randomUUID();
    const live = await bus.subscribe<SignalEnvelope>(one.topic(call, 'bob'));
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? one : two).append(signal(call, 'bob', `#${i}`, i % 2 === 0 ? 'one' : 'two'))),
    );
    const seqs = results.map((e) => e.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const published: SignalEnvelope[] = [];
    for (let i = 0; i < 100; i++) published.push((await next(live)).value as SignalEnvelope);
    expect(published.map((e) => e.seq)).toEqual(seqs);
    // Each instance reads what both wrote: the same envelopes, in seq order.
    const bySeq = [...results].sort((x, y) => x.seq - y.seq);
    expect((await two.readAfter(call, 'bob', 0)).entries).toEqual(bySeq);
    expect(published).toEqual(bySeq);
    await live.return!();
  });
});

describe('REDIS_KEY_PREFIX', () => {
  it('defaults to vw: and refuses characters that would break the key layout', () => {
    expect(loadConfig({}).redisKeyPrefix).toBe('vw:');
    expect(loadConfig({ REDIS_KEY_PREFIX: 'staging-1:' }).redisKeyPrefix).toBe('staging-1:');
    let error: unknown;
    try {
      loadConfig({ REDIS_KEY_PREFIX: 'a{b}' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(['REDIS_KEY_PREFIX must be 1-64 of letters, digits and :._-, got "a{b}"']);
  });
});

describe('SignalRelay over a pub/sub that loses a message (as Redis does while its subscriber reconnects)', () => {
  /** The in-process pub/sub, except that publishes whose payload `drop` picks never arrive. */
  function lossy(drop: (payload: object) => boolean): PubSub {
    const inner = new MemoryPubSub();
    opened.push(inner);
    return {
      publish: (topic, payload) => (drop(payload) ? Promise.resolve() : inner.publish(topic, payload)),
      listen: (topic, sink) => inner.listen(topic, sink),
      subscribe: (topic) => inner.subscribe(topic),
      close: () => inner.close(),
    };
  }

  it('fills the gap from the log, in order, exactly once and without RESYNC, when a later signal arrives', async () => {
    const bus = lossy((payload) => (payload as SignalEnvelope).payload === 'lost on the wire');
    const log = new MemorySignalLog(bus, 30_000);
    opened.push(log);
    const call = randomUUID();
    const stream = await readInbox(new SignalRelay(log, bus), call, 'bob', 0);
    await log.append(signal(call, 'bob', 'first'));
    expect((await next(stream)).value).toMatchObject({ seq: 1, payload: 'first' });
    await log.append(signal(call, 'bob', 'lost on the wire'));
    await log.append(signal(call, 'bob', 'third'));
    expect((await next(stream)).value).toMatchObject({ seq: 2, payload: 'lost on the wire' });
    expect((await next(stream)).value).toMatchObject({ seq: 3, payload: 'third' });
    await log.append(signal(call, 'bob', 'fourth'));
    expect((await next(stream)).value).toMatchObject({ seq: 4, payload: 'fourth' });
    await stream.return!();
  });

  it('drops a live entry of a numbering the log does not have, after a few reads, and goes on without RESYNC', async () => {
    const bus = new MemoryPubSub();
    const log = new MemorySignalLog(bus, 30_000);
    opened.push(log, bus);
    const call = randomUUID();
    const stream = await readInbox(new SignalRelay(log, bus), call, 'bob', 0);
    const first = await log.append(signal(call, 'bob', 'first'));
    expect((await next(stream)).value).toEqual(first);
    // On the wire but in no log: a later epoch than the inbox's, read after read (a clock that stepped back under a lost Redis).
    await bus.publish(log.topic(call, 'bob'), { ...first, seq: 2, epoch: first.epoch + 60_000, payload: 'of no numbering kept' });
    await sleep(200);
    const second = await log.append(signal(call, 'bob', 'second'));
    expect((await next(stream)).value).toEqual(second);
    const third = await log.append(signal(call, 'bob', 'third'));
    expect((await next(stream)).value).toEqual(third);
    await stream.return!();
  });
});
