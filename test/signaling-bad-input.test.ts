import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  AnswerCallDocument, InitiateCallDocument, JoinCallDocument, MeDocument, SendSignalDocument, SignalsDocument,
} from './generated/graphql.js';
import { startApp, type TestApp } from './helpers/app.js';
import { DeviceSockets, request, subscribe, withDeadline } from './helpers/client.js';

let app: TestApp;
const tokens: Record<string, string> = {};
const sockets = new DeviceSockets(() => app.wsUrl, tokens);

beforeAll(async () => {
  app = await startApp({ SIGNAL_BURST: '20', SIGNAL_RATE_PER_SECOND: '1', WS_INIT_TIMEOUT_MS: '300' });
  Object.assign(tokens, await app.signIn([['ada', 'provider'], ['pat', 'patient'], ['eve', 'patient']]));
});
afterAll(async () => {
  await sockets.closeAll();
  await app?.close();
});

const socket = (user: string, device: string): Promise<Client> => sockets.connect(user, device);

const code = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.code;

describe('signals that are refused', () => {
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

    // None of those reached pat's inbox: the first signal she gets is the first accepted one.
    const ok = await send('OFFER', 'v=0\r\n');
    expect(ok.data?.sendSignal).toEqual({ seq: 1, toParticipantId: 'pat' });
    const inbox = subscribe(pat, SignalsDocument, { callId, afterSeq: 0 });
    expect((await inbox.next()).data?.signals).toMatchObject({ seq: 1, kind: 'OFFER', fromParticipantId: 'ada' });
  });

  it('rate-limits a sender beyond its burst with RATE_LIMITED and a retry delay, without touching other calls', async () => {
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
    // ada's own budget is untouched.
    expect((await request(ada, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } })).data?.sendSignal.seq).toBe(1);
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
    const callId = (await request(ada, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat'] } })).data!.initiateCall.id;
    await request(pat, AnswerCallDocument, { callId });
    await request(ada, JoinCallDocument, { callId });
    // The same selections; the inline fragment makes the second document take graphql-js's path.
    const fast = parse(`subscription($c: ID!) { inbox: signals(callId: $c) { seq from: fromParticipantId kind payload sentAt callId __typename } }`);
    const slow = parse(`subscription($c: ID!) { inbox: signals(callId: $c) { ... on Signal { seq from: fromParticipantId kind payload sentAt callId __typename } } }`);
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
