import { describe, expect, it } from 'vitest';
import { completeFrameId } from '../src/http/signal-lane.js';

/** A random string drawn from characters that matter to JSON: printable ASCII, quotes, backslashes, controls, non-ASCII. */
function randomId(random: () => number): string {
  const alphabet = ['a', 'Z', '0', '9', '-', '_', ' ', '"', '\\', '/', '\n', '\u0001', '\u007f', 'é', '漢', '😀', '}', ','];
  const length = Math.floor(random() * 12);
  let id = '';
  for (let i = 0; i < length; i++) id += alphabet[Math.floor(random() * alphabet.length)];
  return id;
}

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('completeFrameId (reading a `complete` frame without parsing JSON)', () => {
  it('reads the id of a complete frame as graphql-ws writes it', () => {
    expect(completeFrameId(Buffer.from(JSON.stringify({ id: 'u1', type: 'complete' })))).toBe('u1');
    expect(completeFrameId(Buffer.from('{"id":"3f2a-9_Z","type":"complete"}'))).toBe('3f2a-9_Z');
  });

  it('leaves every other frame to JSON.parse', () => {
    for (const frame of [
      '{"type":"complete","id":"u1"}',
      '{"id":"u1","type":"complete" }',
      '{"id":"","type":"complete"}',
      '{"id":"u\\"1","type":"complete"}',
      '{"id":"u\\u0031","type":"complete"}',
      '{"id":"é","type":"complete"}',
      '{"id":"u1","type":"subscribe"}',
      `{"id":"${'x'.repeat(200)}","type":"complete"}`,
      '","type":"complete"}',
    ]) expect(completeFrameId(Buffer.from(frame)), frame).toBeUndefined();
  });

  it('never reads an id JSON.parse would not: 20 000 generated frames', () => {
    const random = seeded(7);
    let read = 0;
    for (let i = 0; i < 20_000; i++) {
      const id = randomId(random);
      const frame = random() < 0.8 ? JSON.stringify({ id, type: 'complete' }) : JSON.stringify({ type: 'complete', id });
      const got = completeFrameId(Buffer.from(frame));
      if (got === undefined) continue;
      read++;
      expect(JSON.parse(frame)).toEqual({ id: got, type: 'complete' });
      expect(Object.keys(JSON.parse(frame))).toEqual(['id', 'type']);
    }
    // The fast path is taken for the plain ids, not just never.
    expect(read).toBeGreaterThan(1_000);
  });
});
