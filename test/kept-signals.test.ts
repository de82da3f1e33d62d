import { describe, expect, it } from 'vitest';
import { KeptSignals, keptChunkStats, takeChunk, type KeptSignal } from '../src/signaling/kept-signals.js';
import { SignalKind } from '../src/signaling/signal.js';

/** A small deterministic generator, so a failure replays the same way. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const kinds = Object.values(SignalKind);
const pieces = ['a', 'é', '€', '😀', 'candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host', '\n', '"'];

/** A steady stream, as the relay keeps it: every `everyMs` from `from` to `to`, each inbox expires its 1 s window and takes `payload`. */
function streamInto(inboxes: KeptSignals[], payload: string, from: number, to: number, everyMs: number): void {
  for (let at = from; at < to; at += everyMs) {
    for (const kept of inboxes) {
      kept.expire(at - 1_000);
      kept.append(at, 'ada', SignalKind.OFFER, payload);
    }
  }
}

describe('KeptSignals (an inbox kept off the JS heap)', () => {
  it('gives back exactly what a plain list would, through growth, chunk changes, expiry, compaction and chunks reused across inboxes', () => {
    const next = random(20261124);
    // Three inboxes side by side: the chunks one gives back are the next ones another fills.
    const inboxes = Array.from({ length: 3 }, () => ({ kept: new KeptSignals(), model: [] as KeptSignal[], seq: 1 }));
    let now = 1_000_000;
    for (let step = 0; step < 9_000; step++) {
      now += Math.floor(next() * 20);
      const inbox = inboxes[Math.floor(next() * inboxes.length)]!;
      const { kept, model } = inbox;
      const roll = next();
      if (roll < 0.75) {
        // Payloads from empty to larger than the largest chunk (64 KiB), with 1- to 4-byte UTF-8 characters.
        const size = next() < 0.01 ? 70_000 : Math.floor(next() * 300);
        let payload = '';
        while (payload.length < size) payload += pieces[Math.floor(next() * pieces.length)];
        const entry = { seq: inbox.seq++, at: now, from: `user-${Math.floor(next() * 3)}`, kind: kinds[Math.floor(next() * kinds.length)]!, payload };
        expect(kept.append(entry.at, entry.from, entry.kind, entry.payload)).toBe(entry.seq);
        model.push(entry);
      } else if (roll < 0.9) {
        const cutoff = now - Math.floor(next() * 2_000);
        kept.expire(cutoff);
        while (model.length > 0 && model[0]!.at < cutoff) model.shift();
      } else {
        const afterSeq = Math.floor(next() * (inbox.seq + 5)) - 2;
        expect(kept.after(afterSeq)).toEqual(model.filter((e) => e.seq > afterSeq));
      }
      expect(kept.firstKept).toBe(model[0]?.seq ?? inbox.seq);
      expect(kept.nextSeq).toBe(inbox.seq);
    }
    for (const { kept, model } of inboxes) expect(kept.after(0)).toEqual(model);
  });

  it('reuses the memory of expired signals: a steady stream stops allocating once its window is full', () => {
    // Two inboxes, each keeping a 1 s window of 1 KiB signals at 200 a second, as the relay does
    // (expire, then append). Memory outside the heap that keeps growing is what starts V8's full
    // collections (bench/README.md, eleventh session).
    const inboxes = [new KeptSignals(), new KeptSignals()];
    const payload = `v=0\r\n${'a'.repeat(1_000)}`;
    const run = (from: number, to: number) => streamInto(inboxes, payload, from, to, 5);
    run(0, 3_000);
    const warm = keptChunkStats().allocated;
    run(3_000, 30_000);
    expect(keptChunkStats().allocated).toBe(warm);
    expect(inboxes[0]!.after(0)).toHaveLength(201);
    expect(inboxes[1]!.after(0).every((e) => e.payload === payload)).toBe(true);
    // Everything expired goes back to the pool.
    const pooled = keptChunkStats().pooledBytes;
    for (const kept of inboxes) kept.expire(Number.POSITIVE_INFINITY);
    expect(keptChunkStats().pooledBytes - pooled).toBeGreaterThanOrEqual(2 * 200 * 1_000);
  });

  it('keeps reusing large chunks when the pool is full of small ones from calls that started and ended', () => {
    // The pool is the process's: what earlier tests left in it is taken out first.
    for (let size = 1024; size <= 64 * 1024; size *= 2) {
      for (let allocated = keptChunkStats().allocated; ; ) {
        takeChunk(size);
        if (keptChunkStats().allocated !== allocated) break;
      }
    }
    expect(keptChunkStats().pooledBytes).toBe(0);
    // Every new inbox starts on a 1 KiB chunk; 9 000 short calls fill the 8 MiB pool with them.
    const short = Array.from({ length: 9_000 }, () => new KeptSignals());
    for (const kept of short) kept.append(0, 'ada', SignalKind.ICE_CANDIDATE, '{"candidate":"candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host"}');
    for (const kept of short) kept.expire(1);
    expect(keptChunkStats().pooledBytes).toBeGreaterThan(8 * 1024 * 1024 - 1024);
    // Then a steady stream whose inboxes have grown to 64 KiB chunks: 4 inboxes, 1 s windows of
    // 1 KiB signals at 400 a second each. The chunks they give back must be the ones they reuse.
    const inboxes = Array.from({ length: 4 }, () => new KeptSignals());
    const payload = `v=0\r\n${'a'.repeat(1_000)}`;
    const run = (from: number, to: number) => streamInto(inboxes, payload, from, to, 2.5);
    run(0, 3_000);
    const warm = keptChunkStats().allocated;
    run(3_000, 20_000);
    expect(keptChunkStats().allocated).toBe(warm);
    expect(keptChunkStats().pooledBytes).toBeLessThanOrEqual(8 * 1024 * 1024);
  });

  it('gives back a chunk zeroed: the next call to use it finds nothing of the one before', () => {
    const kept = new KeptSignals();
    kept.append(0, 'ada', SignalKind.ICE_CANDIDATE, `{"candidate":"candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host"}`.padEnd(900, ' '));
    kept.expire(1);
    // The pool hands out the chunk given back last.
    const chunk = takeChunk(1024);
    expect(chunk.length).toBe(1024);
    expect(chunk.every((byte) => byte === 0)).toBe(true);
  });

  it('zeroes an expired payload at once, also in a chunk it shares with one still kept', () => {
    const kept = new KeptSignals();
    const addresses = (i: number) => `{"candidate":"candidate:${i} 1 udp 2122260223 192.0.2.${i} 54400 typ host"}`;
    for (let i = 1; i <= 3; i++) kept.append(i, 'ada', SignalKind.ICE_CANDIDATE, addresses(i));
    // All three share the first chunk; the two oldest expire, the third stays.
    kept.expire(3);
    expect(kept.after(0).map((e) => e.payload)).toEqual([addresses(3)]);
    expect(kept.holds(addresses(3))).toBe(true);
    expect(kept.holds('192.0.2.1 ')).toBe(false);
    expect(kept.holds('192.0.2.2 ')).toBe(false);
  });

  it('keeps at most 8 MiB of chunks for reuse, and leaves the rest to the collector', () => {
    // 200 inboxes of one 40 KB offer each: 200 chunks of 64 KiB, 12.5 MiB given back at once.
    const inboxes = Array.from({ length: 200 }, () => new KeptSignals());
    for (const kept of inboxes) kept.append(0, 'ada', SignalKind.OFFER, `v=0\r\n${'a'.repeat(40_000)}`);
    for (const kept of inboxes) kept.expire(1);
    expect(keptChunkStats().pooledBytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(keptChunkStats().pooledBytes).toBeGreaterThan(8 * 1024 * 1024 - 64 * 1024);
  });

  it('keeps payloads of 3-byte characters whole where a chunk fills up', () => {
    const kept = new KeptSignals();
    const payloads = Array.from({ length: 3_000 }, (_, i) => '€'.repeat(1 + ((i * 37) % 211)));
    payloads.forEach((payload, i) => kept.append(i, 'ada', SignalKind.OFFER, payload));
    expect(kept.after(0).map((e) => e.payload)).toEqual(payloads);
  });

  it('gives its memory back when what it kept expires', () => {
    const kept = new KeptSignals();
    const empty = kept.retainedBytes();
    for (let i = 0; i < 2_000; i++) kept.append(i, 'ada', SignalKind.OFFER, `v=0\r\n${'a'.repeat(4_000)}`);
    expect(kept.retainedBytes()).toBeGreaterThan(2_000 * 4_000);
    // Most expire: what stays is about what the rest needs.
    kept.expire(1_990);
    expect(kept.after(0)).toHaveLength(10);
    expect(kept.retainedBytes()).toBeLessThan(3 * 64 * 1024);
    // All expire: nothing beyond an empty inbox's arrays stays.
    kept.expire(2_000);
    expect(kept.retainedBytes()).toBe(empty);
    expect(kept.append(3_000, 'ada', SignalKind.ANSWER, 'v=0')).toBe(2_001);
  });

  it('keeps numbering after everything expired', () => {
    const kept = new KeptSignals();
    for (let i = 0; i < 40; i++) kept.append(i, 'ada', SignalKind.ICE_CANDIDATE, `c${i}`);
    kept.expire(1_000);
    expect(kept.after(0)).toEqual([]);
    expect(kept.firstKept).toBe(41);
    expect(kept.append(2_000, 'bob', SignalKind.OFFER, 'v=0')).toBe(41);
    expect(kept.after(0)).toEqual([{ seq: 41, at: 2_000, from: 'bob', kind: SignalKind.OFFER, payload: 'v=0' }]);
  });
});
