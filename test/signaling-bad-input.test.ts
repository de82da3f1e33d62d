import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { print } from 'graphql';
import {
  AnswerCallDocument, InitiateCallDocument, JoinCallDocument, MeDocument, SendSignalDocument, SignalsDocument,
} from './generated/graphql.js';
import { startApp, type TestApp } from './helpers/app.js';
import { DeviceSockets, openRawSocket, request, subscribe, withDeadline } from './helpers/client.js';

let app: TestApp;
const tokens: Record<string, string> = {};
const sockets = new DeviceSockets(() => app.wsUrl, tokens);

beforeAll(async () => {
  app = await startApp({ SIGNAL_BURST: '20', SIGNAL_RATE_PER_SECOND: '1', WS_INIT_TIMEOUT_MS: '300' });
  Object.assign(tokens, await app.signIn([['ada', 'provider'], ['pat', 'patient'], ['eve', 'patient'], ['ann', 'provider'], ['pia', 'patient'], ['ola', 'provider'], ['pim', 'patient']]));
});
afterAll(async () => {
  await sockets.closeAll();
  await app?.close();
});

const socket = (user: string, device: string): Promise<Client> => sockets.connect(user, device);

const code = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.code;

/** A video call `caller` places to `inviteeId`, answered on `invitee` and joined by the caller: its id. */
async function joinedCall(caller: Client, invitee: Client, inviteeId: string): Promise<string> {
  const callId = (await request(caller, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: [inviteeId] } })).data!.initiateCall.id;
  await request(invitee, AnswerCallDocument, { callId });
  await request(caller, JoinCallDocument, { callId });
  return callId;
}

describe('signals that are refused', () => {
  it('asks whom a signal is for in a call of more than two, and takes one that says', async () => {
    const ada = await socket('ada', 'ada-desk-group');
    const pat = await socket('pat', 'pat-tab-group');
    const callId = (await request(ada, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat', 'sam'] } })).data!.initiateCall.id;
    await request(pat, AnswerCallDocument, { callId });
    const unaddressed = await request(ada, SendSignalDocument, { input: { callId, kind: 'OFFER', payload: 'v=0\r\n' } });
    expect(unaddressed.errors?.[0]).toMatchObject({ message: 'toParticipantId is required in a call with 3 participants', extensions: { code: 'BAD_USER_INPUT', field: 'toParticipantId' } });
    const addressed = await request(ada, SendSignalDocument, { input: { callId, kind: 'OFFER', payload: 'v=0\r\n', toParticipantId: 'pat' } });
    expect(addressed.data?.sendSignal).toEqual({ seq: 1, toParticipantId: 'pat' });
    // sam is invited but has not joined: nobody can signal him yet.
    const early = await request(ada, SendSignalDocument, { input: { callId, kind: 'OFFER', payload: 'v=0\r\n', toParticipantId: 'sam' } });
    expect(early.errors?.[0]).toMatchObject({ message: 'that participant is not in the call', extensions: { code: 'CONFLICT' } });
  });

  it('refuses signals in the wrong call state, of an unknown kind, too large, malformed, or to the wrong participant', async () => {
    const ada = await socket('ada', 'ada-desk-bad');
    const pat = await socket('pat', 'pat-tab-bad');
    const callId = (await request(ada, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat'] } })).data!.initiateCall.id;
    const send = (kind: string, payload: string, extra: Record<string, unknown> = {}) =>
      request(ada, SendSignalDocument, { input: { callId, kind: kind as 'OFFER', payload, ...extra } });

    const ringing = await send('OFFER', 'v=0\r\n');
    expect(ringing.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT', currentStatus: 'RINGING' } });
    await request(pat, AnswerCallDocument, { callId });

    expect(code(await send('SMOKE_SIGNAL', 'x'))).toBe('BAD_USER_INPUT');
    const big = await send('OFFER', `v=0\r\n${'a'.repeat(64 * 1024)}`);
    expect(big.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'payload' } });
    expect(big.errors?.[0]?.message).toMatch(/at most 65536 bytes, got 6554\d/);
    const bigCandidate = await send('ICE_CANDIDATE', JSON.stringify({ candidate: `candidate:${'1'.repeat(2048)}` }));
    expect(bigCandidate.errors?.[0]?.message).toMatch(/at most 2048 bytes/);
    expect(code(await send('ICE_CANDIDATE', '{not json'))).toBe('BAD_USER_INPUT');
    expect(code(await send('ICE_CANDIDATE', JSON.stringify({ candidate: 'typ host' })))).toBe('BAD_USER_INPUT');
    expect(code(await send('ANSWER', 'hello'))).toBe('BAD_USER_INPUT');
    expect(code(await send('OFFER', 'v=0', { toParticipantId: 'eve' }))).toBe('NOT_FOUND');
    expect(code(await send('OFFER', 'v=0', { toParticipantId: 'ada' }))).toBe('BAD_USER_INPUT');
    expect(code(await send('OFFER', 'v=0', { toParticipantId: 'not a user id' }))).toBe('BAD_USER_INPUT');
    const negative = subscribe(pat, SignalsDocument, { callId, afterSeq: -1 });
    expect(code(await negative.next())).toBe('BAD_USER_INPUT');
    for (const epoch of ['', '0', '01', '12.5', 'soon', '99999999999999999']) {
      const badEpoch = (await subscribe(pat, SignalsDocument, { callId, afterSeq: 0, epoch }).next()).errors?.[0];
      expect(badEpoch, epoch).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'epoch' } });
      expect(badEpoch?.message).toBe('epoch must be the epoch of a signal delivered to you in this call, as delivered (digits), or left out');
    }

    // None of those reached pat's inbox: the first signal she gets is the first accepted one.
    const ok = await send('OFFER', 'v=0\r\n');
    expect(ok.data?.sendSignal).toEqual({ seq: 1, toParticipantId: 'pat' });
    const inbox = subscribe(pat, SignalsDocument, { callId, afterSeq: 0 });
    expect((await inbox.next()).data?.signals).toMatchObject({ seq: 1, kind: 'OFFER', fromParticipantId: 'ada' });
  });

  it('rate-limits a sender beyond its burst with RATE_LIMITED and a retry delay, without touching other senders, in this call or another', async () => {
    const ada = await socket('ada', 'ada-desk-rate');
    const pat = await socket('pat', 'pat-tab-rate');
    const callId = (await request(ada, InitiateCallDocument, { input: { type: 'AUDIO', inviteeIds: ['pat'] } })).data!.initiateCall.id;
    await request(pat, AnswerCallDocument, { callId });
    await request(ada, JoinCallDocument, { callId });
    const results = [];
    for (let i = 0; i < 25; i++) {
      results.push(await request(pat, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } }));
    }
    const limited = results.filter((r) => code(r) === 'RATE_LIMITED');
    expect(results.filter((r) => r.data?.sendSignal).length).toBeGreaterThanOrEqual(20);
    expect(limited.length).toBeGreaterThanOrEqual(4);
    expect(limited[0]!.errors![0]!.extensions!.retryAfterMs).toBeGreaterThan(0);
    // The budget is the sender's (across all their calls): ada's is untouched, and so is that of
    // the people in another call.
    expect((await request(ada, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } })).data?.sendSignal.seq).toBe(1);
    const ann = await socket('ann', 'ann-desk-rate');
    const pia = await socket('pia', 'pia-tab-rate');
    const other = (await request(ann, InitiateCallDocument, { input: { type: 'AUDIO', inviteeIds: ['pia'] } })).data!.initiateCall.id;
    await request(pia, AnswerCallDocument, { callId: other });
    for (let i = 1; i <= 5; i++) {
      expect((await request(pia, SendSignalDocument, { input: { callId: other, kind: 'RENEGOTIATE', payload: '' } })).data?.sendSignal.seq).toBe(i);
    }
  });
});

describe('socket close codes', () => {
  const closeCode = (socket: WebSocket) =>
    withDeadline(new Promise<number>((resolve) => socket.on('close', (code) => resolve(code))), 5_000, 'the socket to close');

  it('closes a socket that never sends connection_init with 4408', async () => {
    const raw = new WebSocket(app.wsUrl, 'graphql-transport-ws');
    expect(await closeCode(raw)).toBe(4408);
  });

  it('closes a socket that reuses a subscription id with 4409, leaving other sockets alone', async () => {
    const bystander = await socket('pat', 'pat-tab-bystander');
    const raw = new WebSocket(app.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${tokens.ada}`, deviceId: 'ada-raw-device' } }));
    await new Promise((resolve) => raw.once('message', resolve));
    const subscribeMessage = JSON.stringify({ id: 'same', type: 'subscribe', payload: { query: 'subscription { incomingCall { callId } }' } });
    raw.send(subscribeMessage);
    raw.send(subscribeMessage);
    expect(await closeCode(raw)).toBe(4409);
    expect((await request(bystander, MeDocument, {})).data?.me.id).toBe('pat');
  });

  /** A raw socket acknowledged as `ada` on its own device. */
  const acknowledged = async (device: string) => {
    const raw = new WebSocket(app.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${tokens.ada}`, deviceId: device } }));
    await new Promise((resolve) => raw.once('message', resolve));
    return raw;
  };

  it('closes a socket that sends what is not graphql-transport-ws with 4400, and one that sends connection_init twice with 4429', async () => {
    const bystander = await socket('pat', 'pat-tab-bystander-codes');
    const garbled = await acknowledged('ada-raw-garbled');
    garbled.send('{"type":"subscribe"');
    expect(await closeCode(garbled)).toBe(4400);
    const unknown = await acknowledged('ada-raw-unknown');
    unknown.send(JSON.stringify({ type: 'hello' }));
    expect(await closeCode(unknown)).toBe(4400);
    const twice = await acknowledged('ada-raw-twice');
    twice.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${tokens.ada}` } }));
    expect(await closeCode(twice)).toBe(4429);
    expect((await request(bystander, MeDocument, {})).data?.me.id).toBe('pat');
  });

  it('closes a socket that sends a frame over 256 KiB with 1009, leaving other sockets alone', async () => {
    const bystander = await socket('pat', 'pat-tab-bystander-large');
    const large = await acknowledged('ada-raw-large');
    large.send(JSON.stringify({ id: 'big', type: 'subscribe', payload: { query: `{ me { id } } #${'x'.repeat(256 * 1024)}` } }));
    expect(await closeCode(large)).toBe(1009);
    expect((await request(bystander, MeDocument, {})).data?.me.id).toBe('pat');
  });

  it('closes a socket whose deviceId is malformed with 4403', async () => {
    const raw = new WebSocket(app.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${tokens.ada}`, deviceId: 'x' } }));
    expect(await closeCode(raw)).toBe(4403);
  });
});

describe('the signaling fast path', () => {
  it('answers exactly as graphql-js does, for signals and sendSignal, results and errors alike', async () => {
    const { parse } = await import('graphql');
    const ada = await socket('ada', 'ada-desk-fast');
    const pat = await socket('pat', 'pat-tab-fast');
    const callId = await joinedCall(ada, pat, 'pat');
    // The same selections; the inline fragment makes the second document take graphql-js's path.
    const fast = parse(`subscription($c: ID!, $e: String) { inbox: signals(callId: $c, epoch: $e) { seq epoch from: fromParticipantId kind payload sentAt callId __typename } }`);
    const slow = parse(`subscription($c: ID!, $e: String) { inbox: signals(callId: $c, epoch: $e) { ... on Signal { seq epoch from: fromParticipantId kind payload sentAt callId __typename } } }`);
    const a = subscribe(pat, fast as never, { c: callId } as never);
    const b = subscribe(pat, slow as never, { c: callId } as never);
    const sendFast = parse(`mutation($i: SendSignalInput!) { sent: sendSignal(input: $i) { seq toParticipantId __typename } }`);
    const sendSlow = parse(`mutation($i: SendSignalInput!) { sent: sendSignal(input: $i) { ... on SendSignalResult { seq toParticipantId __typename } } }`);
    const input = { callId, kind: 'OFFER', payload: 'v=0\r\n' };
    const r1 = await request(ada, sendFast as never, { i: input } as never);
    const r2 = await request(ada, sendSlow as never, { i: input } as never);
    expect(r1).toEqual({ data: { sent: { seq: 1, toParticipantId: 'pat', __typename: 'SendSignalResult' } } });
    expect(r2).toEqual({ data: { sent: { seq: 2, toParticipantId: 'pat', __typename: 'SendSignalResult' } } });
    const [fa, fb] = [await a.next(), await a.next()];
    const [sa, sb] = [await b.next(), await b.next()];
    expect(fa).toEqual(sa);
    expect(fb).toEqual(sb);
    expect(fa.data).toMatchObject({ inbox: { seq: 1, from: 'ada', kind: 'OFFER', __typename: 'Signal', callId } });
    // A resume from a numbering the inbox does not have (an old epoch): RESYNC, then every signal kept, on either path.
    const epoch = (fa.data as { inbox: { epoch: string } }).inbox.epoch;
    const older = String(Number(epoch) - 1);
    const [c, d] = [subscribe(pat, fast as never, { c: callId, e: older } as never), subscribe(pat, slow as never, { c: callId, e: older } as never)];
    const [rc, rd] = [[await c.next(), await c.next(), await c.next()], [await d.next(), await d.next(), await d.next()]];
    expect(rc.map((r) => r.data)).toEqual(rd.map((r) => ({ inbox: { ...(r.data as { inbox: object }).inbox, sentAt: expect.any(String) } })));
    expect(rc.map((r) => (r.data as { inbox: { seq: number; kind: string; epoch: string } }).inbox)).toMatchObject([
      { seq: 0, kind: 'RESYNC', epoch }, { seq: 1, kind: 'OFFER', epoch }, { seq: 2, kind: 'OFFER', epoch },
    ]);
    expect(rc.slice(1)).toEqual([fa, fb]);
    c.dispose();
    d.dispose();
    const [badFast, badSlow] = [subscribe(pat, fast as never, { c: callId, e: 'x' } as never), subscribe(pat, slow as never, { c: callId, e: 'x' } as never)];
    expect(await badFast.next()).toEqual(await badSlow.next());

    // Refusals and request errors too.
    for (const vars of [{ i: { ...input, kind: 'SMOKE' } }, { i: { ...input, callId: '00000000-0000-4000-8000-000000000000' } }, { i: { ...input, payload: 'nope' } }]) {
      const x = await request(ada, sendFast as never, vars as never);
      const y = await request(ada, sendSlow as never, vars as never);
      expect(x).toEqual(y);
      expect(x.errors?.length).toBe(1);
    }
    const eve = await socket('eve', 'eve-tab-fast');
    const [x, y] = [subscribe(eve, fast as never, { c: callId } as never), subscribe(eve, slow as never, { c: callId } as never)];
    const [ex, ey] = [await x.next(), await y.next()];
    expect(ex).toEqual(ey);
    expect(ex.errors?.[0]).toMatchObject({ message: 'call not found', path: ['inbox'], extensions: { code: 'NOT_FOUND' } });
  });
});

const rawSocket = (user: string, deviceId: string) => openRawSocket(app.wsUrl, tokens[user]!, deviceId);

const SEND = 'mutation SendSignal($input: SendSignalInput!) { sendSignal(input: $input) { seq toParticipantId } }';
const SIGNALS = 'subscription Signals($callId: ID!, $afterSeq: Int) { signals(callId: $callId, afterSeq: $afterSeq) { seq kind payload fromParticipantId } }';

describe('the signaling lane (sendSignal and signals answered in front of graphql-ws)', () => {
  /** A call of `caller` (on a raw socket, `ann`) and `callee` (`pia`), both joined. */
  async function activeCall(tag: string, caller = 'ann', callee = 'pia') {
    const ann = await rawSocket(caller, `${caller}-desk-${tag}`);
    const pia = await socket(callee, `${callee}-tab-${tag}`);
    const annClient = await socket(caller, `${caller}-desk-${tag}`);
    const callId = (await request(annClient, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: [callee] } })).data!.initiateCall.id;
    await request(pia, AnswerCallDocument, { callId });
    await request(annClient, JoinCallDocument, { callId });
    return { ann, pia, callId };
  }
  const sendSignal = (id: string, callId: string, payload: string, kind = 'RENEGOTIATE') =>
    ({ id, type: 'subscribe', payload: { query: SEND, variables: { input: { callId, kind, payload } } } });

  it('relays a signal completed by its sender in the same write, and answers nothing for it, not even an error', async () => {
    const { ann, pia, callId } = await activeCall('unacked');
    const inbox = subscribe(pia, SignalsDocument, { callId, afterSeq: 0 });
    ann.sendTogether(sendSignal('u1', callId, 'first'), { id: 'u1', type: 'complete' });
    // A refused one, unacknowledged: nothing comes back and nothing is relayed.
    ann.sendTogether(sendSignal('u2', callId, 'x'.repeat(300)), { id: 'u2', type: 'complete' });
    ann.ws.send(JSON.stringify(sendSignal('a1', callId, 'second')));
    await ann.until(() => ann.of('a1').some((f) => f.type === 'complete'), 'answer to a1');
    expect(ann.of('a1').map((f) => f.type)).toEqual(['next', 'complete']);
    expect(ann.of('a1')[0]?.payload).toEqual({ data: { sendSignal: { seq: 2, toParticipantId: 'pia' } } });
    expect(ann.frames.filter((f) => f.id === 'u1' || f.id === 'u2')).toEqual([]);
    expect((await inbox.next()).data?.signals).toMatchObject({ seq: 1, payload: 'first', fromParticipantId: 'ann' });
    expect((await inbox.next()).data?.signals).toMatchObject({ seq: 2, payload: 'second' });
    // The ids of completed operations are free again on this socket.
    ann.ws.send(JSON.stringify(sendSignal('u1', callId, 'third')));
    await ann.until(() => ann.of('u1').some((f) => f.type === 'complete'), 'answer to the reused id');
    expect(ann.of('u1')[0]?.payload).toEqual({ data: { sendSignal: { seq: 3, toParticipantId: 'pia' } } });
    // A `complete` written another way (keys in another order, an id with an escape) cancels the answer too.
    ann.sendTogether(sendSignal('u"4', callId, 'fourth'), { type: 'complete', id: 'u"4' });
    ann.ws.send(JSON.stringify(sendSignal('a2', callId, 'fifth')));
    await ann.until(() => ann.of('a2').some((f) => f.type === 'complete'), 'answer to a2');
    expect(ann.of('u"4')).toEqual([]);
    expect((await inbox.next()).data?.signals).toMatchObject({ seq: 3, payload: 'third' });
    expect((await inbox.next()).data?.signals).toMatchObject({ seq: 4, payload: 'fourth' });
    inbox.dispose();
  });

  it('delivers on a signals subscription it answers until the client completes it, then frees its id', async () => {
    const { ann, pia, callId } = await activeCall('sub');
    ann.ws.send(JSON.stringify({ id: 's1', type: 'subscribe', payload: { query: SIGNALS, variables: { callId, afterSeq: 0 } } }));
    const send = async (payload: string) => (await request(pia, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload } })).data?.sendSignal.seq;
    expect(await send('one')).toBe(1);
    await ann.until(() => ann.of('s1').length === 1, 'the first signal');
    expect(ann.of('s1')[0]).toEqual({ id: 's1', type: 'next', payload: { data: { signals: { seq: 1, kind: 'RENEGOTIATE', payload: 'one', fromParticipantId: 'pia' } } } });
    ann.ws.send(JSON.stringify({ id: 's1', type: 'complete' }));
    expect(await send('two')).toBe(2);
    // Subscribing again with the same id is allowed (not 4409) and resumes after what was seen.
    ann.ws.send(JSON.stringify({ id: 's1', type: 'subscribe', payload: { query: SIGNALS, variables: { callId, afterSeq: 1 } } }));
    await ann.until(() => ann.of('s1').length === 2, 'the resumed signal');
    expect(ann.of('s1').map((f) => (f.payload as { data: { signals: { payload: string } } }).data.signals.payload)).toEqual(['one', 'two']);
  });

  it('answers a refused subscription with its error and a complete, as graphql-ws does', async () => {
    const eve = await rawSocket('eve', 'eve-tab-lane');
    const { callId } = await activeCall('refused');
    eve.ws.send(JSON.stringify({ id: 'x', type: 'subscribe', payload: { query: SIGNALS, variables: { callId, afterSeq: 0 } } }));
    await eve.until(() => eve.of('x').some((f) => f.type === 'complete'), 'the refusal');
    expect(eve.of('x')).toEqual([
      { id: 'x', type: 'next', payload: { errors: [expect.objectContaining({ message: 'call not found', extensions: { code: 'NOT_FOUND' } })] } },
      { id: 'x', type: 'complete' },
    ]);
  });

  it('treats binary frames as graphql-ws does: a binary complete cancels an answer, a binary subscribe may not reuse an id', async () => {
    const { ann, pia, callId } = await activeCall('binary');
    const inbox = subscribe(pia, SignalsDocument, { callId, afterSeq: 0 });
    const together = (...frames: (string | Buffer)[]) => {
      ann.tcp.cork();
      for (const frame of frames) ann.ws.send(frame, { binary: Buffer.isBuffer(frame) });
      ann.tcp.uncork();
    };
    together(JSON.stringify(sendSignal('b1', callId, 'first')), Buffer.from(JSON.stringify({ id: 'b1', type: 'complete' })));
    ann.ws.send(JSON.stringify(sendSignal('b2', callId, 'second')));
    await ann.until(() => ann.of('b2').some((f) => f.type === 'complete'), 'answer to b2');
    expect(ann.of('b1')).toEqual([]);
    expect((await inbox.next()).data?.signals).toMatchObject({ seq: 1, payload: 'first' });
    together(JSON.stringify(sendSignal('b3', callId, 'third')), Buffer.from(JSON.stringify({ id: 'b3', type: 'subscribe', payload: { query: '{ me { id } }' } })));
    expect(await withDeadline(ann.closed, 5_000, 'the socket to close')).toBe(4409);
    inbox.dispose();
  });

  it('closes the socket with 4409 when an id is reused while its signal is in flight', async () => {
    const { ann, callId } = await activeCall('dup');
    ann.sendTogether(sendSignal('d', callId, 'a'), sendSignal('d', callId, 'b'));
    expect(await withDeadline(ann.closed, 5_000, 'the socket to close')).toBe(4409);
  });

  it('closes with 4409 when an operation graphql-ws runs reuses the id of a signal in flight', async () => {
    const { ann, callId } = await activeCall('dup-other');
    ann.sendTogether(sendSignal('d', callId, 'a'), { id: 'd', type: 'subscribe', payload: { query: '{ me { id } }' } });
    expect(await withDeadline(ann.closed, 5_000, 'the socket to close')).toBe(4409);
  });

  it('takes an id again once the client completed it, for a signal or any other operation', async () => {
    const { ann, pia, callId } = await activeCall('reuse');
    const inbox = subscribe(pia, SignalsDocument, { callId, afterSeq: 0 });
    ann.sendTogether(sendSignal('r', callId, 'one'), { id: 'r', type: 'complete' }, sendSignal('r', callId, 'two'), { id: 'r', type: 'complete' });
    ann.ws.send(JSON.stringify({ id: 'r', type: 'subscribe', payload: { query: '{ me { id } }' } }));
    await ann.until(() => ann.of('r').some((f) => f.type === 'complete'), 'the answer to me');
    expect(ann.of('r')).toEqual([{ id: 'r', type: 'next', payload: { data: { me: { id: 'ann' } } } }, { id: 'r', type: 'complete' }]);
    expect((await inbox.next()).data?.signals).toMatchObject({ seq: 1, payload: 'one' });
    expect((await inbox.next()).data?.signals).toMatchObject({ seq: 2, payload: 'two' });
    inbox.dispose();
  });

  it('answers a sendSignal frame in the form it reads without parsing exactly as the same frame written another way', async () => {
    // Senders of its own: it sends more than the rate limit of this file's app lets one sender send in a few seconds.
    const { ann: ola, pia: pim, callId } = await activeCall('plain', 'ola', 'pim');
    const inbox = subscribe(pim, SignalsDocument, { callId, afterSeq: 0 });
    const candidate = JSON.stringify({ candidate: 'candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'Zx\\"é' });
    /** The same subscribe frame twice: in the form of src/http/plain-frames.ts, and with payload's keys in another order (parsed). */
    const both = (id: string, variables: Record<string, unknown>, extra: Record<string, unknown> = {}, query = SEND) => [
      JSON.stringify({ id: `${id}-plain`, type: 'subscribe', payload: { query, ...extra, variables } }),
      JSON.stringify({ id: `${id}-parsed`, type: 'subscribe', payload: { variables, ...extra, query } }),
    ];
    const input = { callId, kind: 'ICE_CANDIDATE', payload: candidate };
    const cases = [
      both('ok', { input }),
      both('named', { input }, { operationName: 'SendSignal' }),
      both('null-name', { input }, { operationName: null }),
      both('to', { input: { callId, toParticipantId: 'pim', kind: 'RENEGOTIATE', payload: 'v=0 漢 😀' } }),
      both('to-null', { input: { callId, toParticipantId: null, kind: 'RENEGOTIATE', payload: '' } }),
      both('to-self', { input: { callId, toParticipantId: 'ola', kind: 'RENEGOTIATE', payload: '' } }),
      both('bad-kind', { input: { callId, kind: 'SMOKE', payload: '' } }),
      both('bad-payload', { input: { callId, kind: 'ICE_CANDIDATE', payload: '{"candidate":"nope"}' } }),
      both('other-variable', { i: input }),
      both('other-name', { input }, { operationName: 'Other' }),
      both('no-call', { input: { ...input, callId: '00000000-0000-4000-8000-000000000000' } }),
      both('not-uuid', { input: { ...input, callId: 'call-1' } }),
      both('not-signal', { input }, {}, 'mutation M($input: SendSignalInput!) { sendSignal(input: $input) { ... on SendSignalResult { seq } } }'),
    ];
    let delivered = 0;
    for (const [plain, parsed] of cases) {
      for (const frame of [plain!, parsed!]) {
        ola.ws.send(frame);
        const id = (JSON.parse(frame) as { id: string }).id;
        await ola.until(() => ola.of(id).some((f) => f.type === 'complete' || f.type === 'error'), `the answer to ${id}`);
      }
      const [a, b] = [JSON.parse(plain!).id as string, JSON.parse(parsed!).id as string];
      const answers = (id: string) => ola.of(id).map((f) => ({ ...f, id: undefined }));
      const [pa, pb] = [answers(a), answers(b)];
      // Both succeed (each with its own seq) or both fail alike.
      const seqOf = (frames: typeof pa) => (frames[0]?.payload as { data?: { sendSignal?: { seq: number } } })?.data?.sendSignal?.seq;
      if (seqOf(pa) !== undefined) {
        expect(seqOf(pb), b).toBe(seqOf(pa)! + 1);
        const withoutSeq = (frames: typeof pa) => JSON.stringify(frames).replace(/"seq":\d+/, '"seq":0');
        expect(withoutSeq(pb), b).toBe(withoutSeq(pa));
        const [da, db] = [await inbox.next(), await inbox.next()];
        expect(da.data?.signals).toMatchObject({ seq: ++delivered, payload: (JSON.parse(plain!).payload.variables.input as { payload: string }).payload, fromParticipantId: 'ola' });
        expect({ ...db.data?.signals, seq: 0, sentAt: 0 }).toEqual({ ...da.data?.signals, seq: 0, sentAt: 0 });
        expect(db.data?.signals.seq).toBe(++delivered);
      } else {
        expect(pb, b).toEqual(pa);
        expect(pa.length, a).toBeGreaterThan(0);
      }
    }
    inbox.dispose();
  });

  it('leaves a subscribe sent before the acknowledgement to graphql-ws, which closes with 4401', async () => {
    const ws = new WebSocket(app.wsUrl, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ id: 'early', type: 'subscribe', payload: { query: SEND, variables: { input: { callId: '00000000-0000-4000-8000-000000000000', kind: 'RENEGOTIATE', payload: '' } } } }));
    expect(await withDeadline(closed, 5_000, 'the socket to close')).toBe(4401);
  });
});

describe('a reader that stops reading', () => {
  let roomy: TestApp;
  const roomyTokens: Record<string, string> = {};
  const roomySockets = new DeviceSockets(() => roomy.wsUrl, roomyTokens);
  beforeAll(async () => {
    // The default limits: a burst of 200 signals per sender, kept for the 30 s reconnect window.
    roomy = await startApp();
    Object.assign(roomyTokens, await roomy.signIn([['ada', 'provider'], ['pat', 'patient']]));
  });
  afterAll(async () => {
    await roomySockets.closeAll();
    await roomy?.close();
  });

  it('has its signals stream ended with complete once 4 MiB wait on its socket, and loses nothing when it resumes', async () => {
    const ada = await roomySockets.connect('ada', 'ada-desk-slow');
    const pat = await roomySockets.connect('pat', 'pat-tab-slow');
    const callId = await joinedCall(ada, pat, 'pat');
    const reader = await openRawSocket(roomy.wsUrl, roomyTokens.pat!, 'pat-tab-slow');
    reader.ws.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: SIGNALS, variables: { callId, afterSeq: 0 } } }));
    const offer = (n: number) => `v=0\r\no=- ${n} 2 IN IP4 127.0.0.1\r\n${'a=x-filler:0123456789abcdef\r\n'.repeat(2_000)}`;
    const send = async (n: number) => (await request(ada, SendSignalDocument, { input: { callId, kind: 'OFFER', payload: offer(n) } }, 10_000)).data?.sendSignal.seq;
    expect(await send(1)).toBe(1);
    await reader.until(() => reader.of('s').length === 1, 'the first signal');

    // The reader stops reading; ~10 MB more is more than the kernel's socket buffers and the 4 MiB bound hold.
    reader.tcp.pause();
    const total = 180;
    for (let n = 2; n <= total; n++) expect(await send(n)).toBe(n);
    reader.tcp.resume();
    await reader.until(() => reader.of('s').at(-1)?.type === 'complete', 'the stream to be completed', 20_000);
    const seqsOf = (id: string) => reader.of(id).filter((f) => f.type === 'next')
      .map((f) => (f.payload as { data: { signals: { seq: number } } }).data.signals.seq);
    const first = seqsOf('s');
    expect(first.length).toBeLessThan(total);
    expect(first).toEqual(first.map((_, i) => i + 1));

    // Resuming after the last one seen gives exactly the rest, in order.
    reader.ws.send(JSON.stringify({ id: 'r', type: 'subscribe', payload: { query: SIGNALS, variables: { callId, afterSeq: first.at(-1) } } }));
    await reader.until(() => seqsOf('r').at(-1) === total, 'the rest of the signals', 20_000);
    expect(seqsOf('r')).toEqual(Array.from({ length: total - first.length }, (_, i) => first.length + 1 + i));
    reader.ws.close();
  });
});

describe('views of calls read for signaling', () => {
  let counted: TestApp;
  const countedTokens: Record<string, string> = {};
  const countedSockets = new DeviceSockets(() => counted.wsUrl, countedTokens);
  const statements: string[] = [];
  const parsed: string[] = [];
  let counting = false;
  beforeAll(async () => {
    // No timer round, presence lease or quality request while statements are counted.
    counted = await startApp({ TIMER_POLL_INTERVAL_MS: '60000', PRESENCE_LEASE_MS: '600000' }, {
      onQuery: (sql) => void (counting && statements.push(sql)),
      onParse: (query) => void parsed.push(query),
    });
    Object.assign(countedTokens, await counted.signIn([['ada', 'provider'], ['pat', 'patient'], ['sam', 'patient'], ['kim', 'patient'], ['lee', 'patient']]));
  });
  afterAll(async () => {
    await countedSockets.closeAll();
    await counted?.close();
  });

  it('are read in one statement for every call a read of the socket needs, however many calls', async () => {
    const ada = await countedSockets.connect('ada', 'ada-desk-views');
    const callIds: string[] = [];
    for (const patient of ['pat', 'sam', 'kim']) {
      callIds.push(await joinedCall(ada, await countedSockets.connect(patient, `${patient}-tab-views`), patient));
    }
    // Every change to a call dropped its view: the first signal into each needs it read again.
    const raw = await openRawSocket(counted.wsUrl, countedTokens.ada!, 'ada-desk-views');
    counting = true;
    raw.sendTogether(...callIds.map((callId, i) => ({ id: `v${i}`, type: 'subscribe', payload: { query: SEND, variables: { input: { callId, kind: 'RENEGOTIATE', payload: `to call ${i}` } } } })));
    await raw.until(() => callIds.every((_, i) => raw.of(`v${i}`).some((f) => f.type === 'complete')), 'the answers');
    counting = false;
    expect(callIds.map((_, i) => raw.of(`v${i}`)[0]?.payload)).toEqual([
      { data: { sendSignal: { seq: 1, toParticipantId: 'pat' } } },
      { data: { sendSignal: { seq: 1, toParticipantId: 'sam' } } },
      { data: { sendSignal: { seq: 1, toParticipantId: 'kim' } } },
    ]);
    const views = statements.filter((sql) => /FROM calls c JOIN call_participants p/.test(sql));
    expect(views).toHaveLength(1);
    raw.ws.close();
  });

  it('relay ICE candidates into a call whose view is cached with no SQL statement at all, their document parsed once for all', async () => {
    const ada = await countedSockets.connect('ada', 'ada-desk-hot');
    const lee = await countedSockets.connect('lee', 'lee-tab-hot');
    const callId = await joinedCall(ada, lee, 'lee');
    const inbox = subscribe(lee, SignalsDocument, { callId, afterSeq: 0 });
    // The first signal reads the call's view; after it the view is cached.
    expect((await request(ada, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } })).data?.sendSignal.seq).toBe(1);
    expect((await inbox.next()).data?.signals.seq).toBe(1);
    const send = print(SendSignalDocument);
    const parsesBefore = parsed.filter((query) => query === send).length;
    statements.length = 0;
    counting = true;
    for (let i = 0; i < 40; i++) {
      const candidate = JSON.stringify({ candidate: `candidate:${i} 1 udp 2122260223 10.0.0.2 ${50_000 + i} typ host`, sdpMid: '0', sdpMLineIndex: 0 });
      expect((await request(ada, SendSignalDocument, { input: { callId, kind: 'ICE_CANDIDATE', payload: candidate } })).data?.sendSignal.seq).toBe(2 + i);
    }
    for (let i = 0; i < 40; i++) expect((await inbox.next()).data?.signals).toMatchObject({ seq: 2 + i, kind: 'ICE_CANDIDATE' });
    counting = false;
    expect(statements).toEqual([]);
    // The same document over and over: parsed and validated at most once in all (graphql-ws's
    // client sends it as printed, which the signaling lane may even read without a parse).
    expect(parsed.filter((query) => query === send).length - parsesBefore).toBe(0);
    expect(parsed.filter((query) => query === send).length).toBeLessThanOrEqual(1);
    // So is any other operation on the socket, through graphql-ws's own path.
    const me = print(MeDocument);
    for (let i = 0; i < 10; i++) expect((await request(ada, MeDocument, {})).data?.me.id).toBe('ada');
    expect(parsed.filter((query) => query === me)).toHaveLength(1);
    inbox.dispose();
  });
});
