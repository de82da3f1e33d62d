import { describe, expect, it } from 'vitest';
import { completeFrameId, readSendFrame } from '../src/http/plain-frames.js';
import { parse } from 'graphql';
import { isoTime, planFor, rememberPayloadJson, signalRenderer } from '../src/http/signal-fast-path.js';
import { SignalKind, type SignalEnvelope } from '../src/signaling/signal.js';

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

describe('readSendFrame (reading a sendSignal subscribe frame without parsing JSON)', () => {
  const QUERY = 'mutation SendSignal($input: SendSignalInput!) {\n  sendSignal(input: $input) { seq toParticipantId }\n}';
  const PAYLOAD = JSON.stringify({ candidate: 'candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'a\\b"c' });

  /** What JSON.parse must make of a frame that readSendFrame read as `read`. */
  const parsedAs = (frame: string, read: NonNullable<ReturnType<typeof readSendFrame>>) => ({
    id: read.id,
    type: 'subscribe',
    payload: {
      query: JSON.parse(Buffer.from(frame).toString('utf8', read.queryStart, read.queryEnd)),
      ...(read.operationName === undefined ? {} : { operationName: read.operationName }),
      variables: { [read.variable]: read.input },
    },
  });

  it('reads the frame graphql-ws writes for a signal, with or without the optional fields', () => {
    const input = { callId: 'c7f0c6a2-6f1e-4c53-9b1e-2f8f8e0e4b1a', kind: 'ICE_CANDIDATE', payload: PAYLOAD };
    for (const payload of [
      { query: QUERY, variables: { input } },
      { query: QUERY, operationName: 'SendSignal', variables: { input } },
      { query: QUERY, operationName: null, variables: { input } },
      { query: QUERY, variables: { input: { callId: input.callId, toParticipantId: 'pia', kind: 'OFFER', payload: 'v=0\r\né 漢 😀' } } },
      { query: QUERY, variables: { input: { callId: input.callId, toParticipantId: null, kind: 'RENEGOTIATE', payload: '' } } },
    ]) {
      const frame = JSON.stringify({ id: 'u-1', type: 'subscribe', payload });
      const read = readSendFrame(Buffer.from(frame));
      expect(read, frame).toBeDefined();
      expect(parsedAs(frame, read!)).toEqual(JSON.parse(frame));
    }
  });

  it('leaves every other form to JSON.parse', () => {
    const input = { callId: 'c1', kind: 'OFFER', payload: 'v=0' };
    for (const message of [
      { type: 'subscribe', id: 'u1', payload: { query: QUERY, variables: { input } } },
      { id: 'u1', type: 'subscribe', payload: { variables: { input }, query: QUERY } },
      { id: 'u1', type: 'subscribe', payload: { query: QUERY, variables: { input }, extensions: {} } },
      { id: 'u1', type: 'subscribe', payload: { query: QUERY, variables: { input: { kind: 'OFFER', callId: 'c1', payload: 'v=0' } } } },
      { id: 'u1', type: 'subscribe', payload: { query: QUERY, variables: { input: { ...input, extra: 1 } } } },
      { id: 'u1', type: 'subscribe', payload: { query: QUERY, variables: { input, other: 1 } } },
      { id: 'u1', type: 'subscribe', payload: { query: QUERY, variables: { input: { ...input, payload: 7 } } } },
      { id: 'u1', type: 'subscribe', payload: { query: QUERY, variables: { input: { ...input, callId: 'c"1' } } } },
      { id: '', type: 'subscribe', payload: { query: QUERY, variables: { input } } },
      { id: 'u1', type: 'subscribe', payload: { query: QUERY, variables: { '': input } } },
      { id: 'u1', type: 'subscribe', payload: { query: QUERY, operationName: 7, variables: { input } } },
    ]) expect(readSendFrame(Buffer.from(JSON.stringify(message))), JSON.stringify(message)).toBeUndefined();
    const frame = JSON.stringify({ id: 'u1', type: 'subscribe', payload: { query: QUERY, variables: { input } } });
    for (const broken of [frame.slice(0, -1), `${frame} `, frame.replace('"payload":"v=0"', '"payload":"v=0" '), frame.replace('"v=0"', '"v"=0"'), frame.replace('"v=0"', '"v=0\\x"')]) {
      expect(readSendFrame(Buffer.from(broken)), broken).toBeUndefined();
    }
  });

  it('never reads a frame JSON.parse would not read the same: 20 000 generated and damaged frames', () => {
    const random = seeded(11);
    const pick = <T>(values: T[]) => values[Math.floor(random() * values.length)]!;
    let read = 0;
    for (let i = 0; i < 20_000; i++) {
      const input: Record<string, unknown> = { callId: pick([randomId(random), 'c7f0c6a2-6f1e']) };
      if (random() < 0.3) input.toParticipantId = pick([randomId(random), null, 5]);
      input.kind = pick(['OFFER', 'ICE_CANDIDATE', randomId(random)]);
      input.payload = pick([PAYLOAD, randomId(random), 'v=0\r\n', 3]);
      if (random() < 0.05) input.extra = true;
      const payload: Record<string, unknown> = { query: pick([QUERY, randomId(random), 'a "quoted" \\ query']) };
      if (random() < 0.3) payload.operationName = pick([randomId(random), null, 1]);
      payload.variables = { [pick(['input', randomId(random)])]: input };
      if (random() < 0.05) payload.extensions = {};
      let frame = JSON.stringify({ id: pick([randomId(random), 'u1', '7']), type: 'subscribe', payload });
      // Damage some: a byte changed, or the frame cut short.
      if (random() < 0.2) {
        const at = Math.floor(random() * frame.length);
        frame = random() < 0.5 ? frame.slice(0, at) : frame.slice(0, at) + pick(['"', '\\', '}', ',', 'x', ' ']) + frame.slice(at + 1);
      }
      const got = readSendFrame(Buffer.from(frame));
      if (got === undefined) continue;
      read++;
      const parsed = JSON.parse(frame);
      expect(parsedAs(frame, got)).toEqual(parsed);
      // Exactly that form: no key JSON.parse saw was left out of what was read.
      expect(Object.keys(parsed.payload)).toEqual(Object.keys(parsedAs(frame, got).payload));
      expect(Object.keys(parsed.payload.variables[got.variable])).toEqual(Object.keys(got.input));
      // The payload's literal, as the frame held it, is JSON of that very payload.
      expect(frame).toContain(`"payload":${got.payloadJson}}}}}`);
      expect(JSON.parse(got.payloadJson)).toBe(got.input.payload);
    }
    expect(read).toBeGreaterThan(1_000);
  });
});

describe('signalRenderer (a delivered signal written without graphql-js)', () => {
  const plan = planFor(parse('subscription S($callId: ID!) { signals(callId: $callId, afterSeq: 0) { seq epoch kind p: payload sentAt } }'))!;
  const envelope = (payload: string, epoch = 1_796_601_600_000): SignalEnvelope => ({
    seq: 7, callId: 'c1', from: 'u1', to: 'u2', kind: SignalKind.OFFER, payload, at: Date.UTC(2026, 11, 7), epoch,
  });
  const expected = (payload: string, epoch = '1796601600000') => ({ data: { signals: { seq: 7, epoch, kind: 'OFFER', p: payload, sentAt: '2026-12-07T00:00:00.000Z' } } });

  it('writes the payload of the frame just read with the literal that frame held', () => {
    const render = signalRenderer(plan);
    // A literal JSON.stringify would not write: an escaped letter, an escaped solidus, a raw non-ASCII letter.
    const literal = '"v=0\\r\\n\\u0041\\/é"';
    const payload = JSON.parse(literal) as string;
    expect(payload).toBe('v=0\r\nA/é');
    rememberPayloadJson(payload, literal);
    const json = render(envelope(payload));
    expect(json).toContain(`"p":${literal},`);
    expect(JSON.parse(json)).toEqual(expected(payload));
    // The same text in another string object is the same payload, and gets the same literal.
    expect(render(envelope(`${payload.slice(0, 3)}${payload.slice(3)}`))).toBe(json);
  });

  it('writes any other payload with JSON.stringify', () => {
    const render = signalRenderer(plan);
    rememberPayloadJson('v=0', '"v\\u003d0"');
    for (const payload of ['v=1', 'a "quoted" \\ line\r\n', '\ud800 lone', '']) {
      const json = render(envelope(payload));
      expect(json).toContain(`"p":${JSON.stringify(payload)},`);
      expect(JSON.parse(json)).toEqual(expected(payload));
    }
  });

  it('writes the epoch as the string of its digits, a new one as soon as it changes', () => {
    const render = signalRenderer(plan);
    expect(JSON.parse(render(envelope('v=0')))).toEqual(expected('v=0'));
    expect(JSON.parse(render(envelope('v=0', 1_796_601_600_001)))).toEqual(expected('v=0', '1796601600001'));
    expect(JSON.parse(render(envelope('v=0')))).toEqual(expected('v=0'));
  });
});

describe('isoTime (the sentAt of a delivered signal)', () => {
  it('writes what toISOString writes, across milliseconds, seconds, days and years', () => {
    const random = seeded(5);
    const times = [0, 999, 1000, 1_764_633_599_999, 1_764_633_600_000, 253_402_300_799_999, 253_402_300_800_000, Date.now()];
    for (let i = 0; i < 20_000; i++) times.push(Math.floor(random() * 4_102_444_800_000));
    // In order too, as signals come: consecutive milliseconds through a second's end.
    for (let at = 1_764_633_599_990; at < 1_764_633_600_010; at++) times.push(at);
    for (const at of times) expect(isoTime(at), String(at)).toBe(new Date(at).toISOString());
  });
});
