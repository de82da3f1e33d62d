import type { Client } from 'graphql-ws';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { redisTarget } from '../src/pubsub/redis-connection.js';
import {
  AnswerCallDocument, CallEventsDocument, CancelCallDocument, EndCallDocument, GetCallDocument, IncomingCallDocument, InitiateCallDocument,
  JoinCallDocument, MeDocument, SendSignalDocument, SignalsDocument, UpdateMediaStateDocument,
} from './generated/graphql.js';
import { createDatabase, startApp, type TestApp } from './helpers/app.js';
import { connected, deviceClient, execute, request, subscribe, wsClient } from './helpers/client.js';
import { TestPeer } from './helpers/peer.js';
import { deleteKeys, inspector, redisAvailable, redisUrl, testKeyPrefix } from './helpers/redis.js';

/**
 * docs/SIGNALING.md section 8: two instances of the service on one PostgreSQL database and one
 * Redis. The caller (a provider) is connected to instance A, the callee (a patient) to instance B;
 * everything that crosses between them goes through Redis.
 */
const available = await redisAvailable('test/instances.test.ts');
const keyPrefix = testKeyPrefix();

// Credentials in the URL, to show they never reach a log line. Redis 6+ accepts any password for
// the default user when it has none, so this works against a Redis without a password too.
const urlWithPassword = new URL(redisUrl);
if (!urlWithPassword.password) {
  urlWithPassword.username = 'default';
  urlWithPassword.password = `pw-${randomBytes(8).toString('hex')}`;
}
const password = decodeURIComponent(urlWithPassword.password);

let database: Awaited<ReturnType<typeof createDatabase>> | undefined;
let a: TestApp;
let b: TestApp;
const logLines: string[] = [];
const tokens: Record<string, string> = {};
const sockets: Client[] = [];
const peers: TestPeer[] = [];

const USERS = [
  ['ada', 'provider', 'Dr Ada'], ['pat', 'patient', 'Pat'],
  ['bea', 'provider', 'Dr Bea'], ['paz', 'patient', 'Paz'],
  ['cal', 'provider', 'Dr Cal'], ['pia', 'patient', 'Pia'],
  ['dov', 'provider', 'Dr Dov'], ['pru', 'patient', 'Pru'],
  ['eli', 'provider', 'Dr Eli'], ['pam', 'patient', 'Pam'],
  ['fay', 'provider', 'Dr Fay'], ['poe', 'patient', 'Poe'],
  ['gus', 'provider', 'Dr Gus'], ['pen', 'patient', 'Pen'],
] as const;

beforeAll(async () => {
  if (!available) return;
  database = await createDatabase();
  const env = { REDIS_KEY_PREFIX: keyPrefix, PRESENCE_GRACE_MS: '200', RECONNECT_WINDOW_MS: '10000' };
  // One after the other: both apply migrations to the same database at start.
  a = await startApp({ ...env, REDIS_URL: urlWithPassword.toString() }, { databaseUrl: database.url, logger: createLogger('info', (line) => logLines.push(line)) });
  b = await startApp({ ...env, REDIS_URL: redisUrl }, { databaseUrl: database.url });
  for (const [id, role, name] of USERS) {
    tokens[id] = await a.token(id, role, name);
    await execute(a.url, MeDocument, {}, tokens[id]);
  }
});
afterAll(async () => {
  for (const peer of peers) await peer.close();
  for (const client of sockets) await client.dispose();
  await b?.close();
  await a?.close();
  await database?.drop();
  if (!available) return;
  const redis = await inspector();
  await deleteKeys(redis, keyPrefix);
  await redis.quit();
});

async function socket(app: TestApp, user: string, device: string): Promise<Client> {
  const client = deviceClient(app.wsUrl, tokens[user]!, device);
  sockets.push(client);
  await connected(client);
  return client;
}

async function place(caller: Client, invitee: string): Promise<string> {
  const placed = await request(caller, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: [invitee] } });
  if (!placed.data) throw new Error(`initiateCall failed: ${JSON.stringify(placed.errors)}`);
  return placed.data.initiateCall.id;
}

/**
 * A call `caller` places from a desk on A and `callee` answers from a phone on B (devices named
 * `<user>-desk-<tag>` and `<user>-phone-<tag>`), joined by the caller: both sockets and the call.
 */
async function activeAcross(caller: string, callee: string, tag: string) {
  const onA = await socket(a, caller, `${caller}-desk-${tag}`);
  const onB = await socket(b, callee, `${callee}-phone-${tag}`);
  const callId = await place(onA, callee);
  expect((await request(onB, AnswerCallDocument, { callId })).data?.answerCall.status).toBe('ACTIVE');
  await request(onA, JoinCallDocument, { callId });
  return { onA, onB, callId };
}

describe.skipIf(!available)('two instances sharing PostgreSQL and Redis', () => {
  it('log that they use Redis, naming the host but never the password', () => {
    const lines = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.backplane)).toMatchObject({ level: 'info', backplane: 'redis', redis: redisTarget(redisUrl), keyPrefix });
    expect(logLines.join('\n')).not.toContain(password);
    expect(logLines.join('\n')).not.toContain('redis://');
  });

  it('ring the callee on B when the caller on A places a call, and stop the ringing there when A cancels it', async () => {
    const patOnB = await socket(b, 'pat', 'pat-phone-ring');
    const ring = subscribe(patOnB, IncomingCallDocument, {});
    const adaOnA = await socket(a, 'ada', 'ada-desk-ring');
    const first = await place(adaOnA, 'pat');
    // This one may come from B's own replay of ringing calls; once it has, the subscription is live.
    expect((await ring.next()).data?.incomingCall).toMatchObject({ event: 'RINGING', callId: first, caller: { id: 'ada', name: 'Dr Ada' } });
    // These two can only come live from A, through Redis: B replays only what rings as it subscribes.
    expect((await request(adaOnA, CancelCallDocument, { callId: first })).data?.cancelCall.status).toBe('CANCELLED');
    expect((await ring.next()).data?.incomingCall).toMatchObject({ event: 'CANCELLED', callId: first });
    const second = await place(adaOnA, 'pat');
    expect((await ring.next()).data?.incomingCall).toMatchObject({ event: 'RINGING', callId: second, caller: { id: 'ada' } });
    await request(adaOnA, CancelCallDocument, { callId: second });
    ring.dispose();
  });

  it('tell the caller on A, in callEvents, that the callee answered on B', async () => {
    const adaOnA = await socket(a, 'bea', 'bea-desk-events');
    const patOnB = await socket(b, 'paz', 'paz-phone-events');
    const callId = await place(adaOnA, 'paz');
    const events = subscribe(adaOnA, CallEventsDocument, { callId });
    // The snapshot is read after the live subscription is made, so the answer cannot fall between.
    expect((await events.next()).data?.callEvents).toMatchObject({ kind: 'CURRENT_STATUS', status: 'RINGING' });
    expect((await request(patOnB, AnswerCallDocument, { callId })).data?.answerCall.status).toBe('ACTIVE');
    expect((await events.next()).data?.callEvents).toMatchObject({
      kind: 'STATUS_CHANGED', callId, status: 'ACTIVE', previousStatus: 'RINGING', actorId: 'paz',
    });
    events.dispose();
    await execute(b.url, EndCallDocument, { callId }, tokens.paz);
  });

  it('connect two WebRTC peers, the caller on A and the callee on B, negotiating only through the API', async () => {
    const adaOnA = await socket(a, 'cal', 'cal-desk-webrtc');
    const patOnB = await socket(b, 'pia', 'pia-laptop-webrtc');
    const callId = await place(adaOnA, 'pia');
    expect((await request(patOnB, AnswerCallDocument, { callId })).data?.answerCall.status).toBe('ACTIVE');
    const caller = new TestPeer(adaOnA, 'cal', callId);
    const callee = new TestPeer(patOnB, 'pia', callId);
    peers.push(caller, callee);
    expect(await caller.join()).toBe(false);
    expect(await callee.join()).toBe(true);
    await caller.start();
    await Promise.all([caller.connected(), callee.connected()]);
    (await caller.channelOpen()).send('hello from A');
    expect(await callee.nextMessage()).toBe('hello from A');
    (await callee.channelOpen()).send('hello from B');
    expect(await caller.nextMessage()).toBe('hello from B');

    // Each inbox was numbered 1..n once for both instances, with no gap or repeat.
    for (const peer of [caller, callee]) expect(peer.received.map((s) => s.seq)).toEqual(peer.received.map((_, i) => i + 1));
    expect(callee.received[0]).toMatchObject({ kind: 'OFFER', fromParticipantId: 'cal', callId });
    expect(callee.received.at(-1)?.kind).toBe('END_OF_CANDIDATES');
    expect(caller.received[0]).toMatchObject({ kind: 'ANSWER', fromParticipantId: 'pia', callId });
    await execute(a.url, EndCallDocument, { callId }, tokens.cal);
    // Ended on A, seen so on B: both participants with their join and leave times.
    const call = (await execute(b.url, GetCallDocument, { id: callId }, tokens.pia)).call;
    expect(call.status).toBe('ENDED');
    expect(call.participants.map((p) => p.user.id).sort()).toEqual(['cal', 'pia']);
    for (const p of call.participants) {
      expect(p.status).toBe('LEFT');
      expect(p.joinedAt).toBeTruthy();
      expect(p.leftAt).toBe(call.endedAt);
    }
  });

  it('tell the caller on A that the callee dropped on B, and that they came back on A', async () => {
    const { onA, onB: firstOnB, callId } = await activeAcross('fay', 'poe', 'presence');
    const events = subscribe(onA, CallEventsDocument, { callId });
    const nextEvent = async () => {
      for (;;) {
        const event = (await events.next(8_000)).data?.callEvents;
        if (event && event.kind !== 'CURRENT_STATUS' && event.kind !== 'PARTICIPANT_JOINED') return event;
      }
    };
    const inbox = subscribe(firstOnB, SignalsDocument, { callId, afterSeq: 0 });
    // The subscription (poe's presence) is live once a signal sent to poe arrives through it.
    expect((await request(onA, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } })).data?.sendSignal.seq).toBe(1);
    expect((await inbox.next()).data?.signals.seq).toBe(1);
    await firstOnB.dispose();
    expect(await nextEvent()).toMatchObject({ kind: 'PARTICIPANT_DISCONNECTED', participantId: 'poe', status: 'ACTIVE' });
    const backOnA = await socket(a, 'poe', 'poe-phone-presence');
    const again = subscribe(backOnA, SignalsDocument, { callId, afterSeq: 1 });
    expect(await nextEvent()).toMatchObject({ kind: 'PARTICIPANT_RECONNECTED', participantId: 'poe' });
    again.dispose();
    events.dispose();
    await execute(b.url, EndCallDocument, { callId }, tokens.fay);
  });

  it('resume a signals subscription dropped on B on A, with exactly the signals missed, wherever they were sent', async () => {
    const callerDevice = 'dov-desk-resume';
    const calleeDevice = 'pru-phone-resume';
    const adaOnA = await socket(a, 'dov', callerDevice);
    const patOnB = await socket(b, 'pru', calleeDevice);
    const callId = await place(adaOnA, 'pru');
    expect((await request(patOnB, AnswerCallDocument, { callId })).data?.answerCall.status).toBe('ACTIVE');
    expect((await request(adaOnA, JoinCallDocument, { callId })).data?.joinCall.polite).toBe(false);
    expect((await request(patOnB, JoinCallDocument, { callId })).data?.joinCall.polite).toBe(true);
    const send = async (from: Client, payload: string) => {
      const sent = await request(from, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload } });
      if (!sent.data) throw new Error(`sendSignal failed: ${JSON.stringify(sent.errors)}`);
      return sent.data.sendSignal.seq;
    };

    const onB = subscribe(patOnB, SignalsDocument, { callId, afterSeq: 0 });
    expect(await send(adaOnA, 'r1')).toBe(1);
    expect(await send(adaOnA, 'r2')).toBe(2);
    for (const [seq, payload] of [[1, 'r1'], [2, 'r2']] as const) {
      expect((await onB.next()).data?.signals).toMatchObject({ seq, payload, fromParticipantId: 'dov', kind: 'RENEGOTIATE' });
    }
    await patOnB.dispose();

    // Missed while away: two sent through A, one through the caller's same device connected to B.
    expect(await send(adaOnA, 'r3')).toBe(3);
    expect(await send(adaOnA, 'r4')).toBe(4);
    expect(await send(await socket(b, 'dov', callerDevice), 'r5')).toBe(5);

    const patOnA = await socket(a, 'pru', calleeDevice);
    const onA = subscribe(patOnA, SignalsDocument, { callId, afterSeq: 2 });
    const resumed = [];
    for (let i = 0; i < 3; i++) resumed.push((await onA.next()).data?.signals);
    expect(resumed.map((s) => [s?.seq, s?.payload, s?.fromParticipantId])).toEqual([[3, 'r3', 'dov'], [4, 'r4', 'dov'], [5, 'r5', 'dov']]);
    // Then live, and nothing else: no repeat of what was missed, nothing from before afterSeq.
    expect(await send(adaOnA, 'r6')).toBe(6);
    expect((await onA.next()).data?.signals).toMatchObject({ seq: 6, payload: 'r6' });
    expect(onA.pending()).toBe(0);
    onA.dispose();
    await execute(a.url, EndCallDocument, { callId }, tokens.dov);
  });

  it('end a nameless stream on A as ANSWERED_ELSEWHERE the moment a named device of the user opens signals on B, with no call event', async () => {
    const gusOnA = await socket(a, 'gus', 'gus-desk-bind');
    const callId = await place(gusOnA, 'pen');
    // Answered over HTTP with no device id: the call is bound to no device of pen's yet.
    expect((await execute(a.url, AnswerCallDocument, { callId }, tokens.pen)).answerCall.status).toBe('ACTIVE');
    await request(gusOnA, JoinCallDocument, { callId });
    const events = subscribe(gusOnA, CallEventsDocument, { callId });
    expect((await events.next()).data?.callEvents.kind).toBe('CURRENT_STATUS');
    const nameless = wsClient(a.wsUrl, tokens.pen);
    sockets.push(nameless);
    await connected(nameless);
    const onA = subscribe(nameless, SignalsDocument, { callId, afterSeq: 0 });
    expect((await request(gusOnA, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: 'before' } })).data?.sendSignal.seq).toBe(1);
    expect((await onA.next()).data?.signals.payload).toBe('before');
    // The laptop on B names itself and opens its signals: that binds the call, and publishes no call event.
    const laptopOnB = await socket(b, 'pen', 'pen-laptop-bind');
    const onB = subscribe(laptopOnB, SignalsDocument, { callId, afterSeq: 1 });
    expect((await onA.next(3_000)).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ANSWERED_ELSEWHERE' });
    expect((await request(gusOnA, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: 'after' } })).data?.sendSignal.seq).toBe(2);
    expect((await onB.next()).data?.signals.payload).toBe('after');
    expect(onA.pending()).toBe(0);
    // The instances' notice of the binding is not a call event: the next one gus sees is his own media change.
    await request(gusOnA, UpdateMediaStateDocument, { input: { callId, audio: true, video: false, screen: false } });
    const next = await events.next();
    expect(next.errors).toBeUndefined();
    expect(next.data?.callEvents).toMatchObject({ kind: 'PARTICIPANT_MEDIA_CHANGED', participantId: 'gus' });
    onB.dispose();
    events.dispose();
    await execute(a.url, EndCallDocument, { callId }, tokens.gus);
  });

  it('stop signals on A the moment the call ends on B, without waiting for A to re-read the call', async () => {
    const { onA: eliOnA, callId } = await activeAcross('eli', 'pam', 'end');
    const signal = () => request(eliOnA, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } });
    // A now holds a view of the call (trusted for 10 s unless the call's events say otherwise).
    expect((await signal()).data?.sendSignal.seq).toBe(1);
    const events = subscribe(eliOnA, CallEventsDocument, { callId });
    expect((await events.next()).data?.callEvents.kind).toBe('CURRENT_STATUS');
    await execute(b.url, EndCallDocument, { callId }, tokens.pam);
    // The end reaches A through Redis as an event; the same event drops A's view.
    expect((await events.next()).data?.callEvents).toMatchObject({ kind: 'STATUS_CHANGED', status: 'ENDED' });
    const started = Date.now();
    let refused: Awaited<ReturnType<typeof signal>> | undefined;
    while (!refused && Date.now() - started < 2_000) {
      const attempt = await signal();
      if (attempt.errors) refused = attempt;
    }
    expect(refused?.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT', currentStatus: 'ENDED' } });
    expect(Date.now() - started).toBeLessThan(2_000);
    events.dispose();

    // A's view of the call is watched on the call's channel; a made-up call id is not.
    const redis = await inspector();
    try {
      const numsub = async (id: string) => Number(((await redis.call('PUBSUB', 'NUMSUB', `${keyPrefix}call:${id}:events`)) as [string, number])[1]);
      const madeUp = '00000000-0000-4000-8000-00000000beef';
      const probe = await request(eliOnA, SendSignalDocument, { input: { callId: madeUp, kind: 'RENEGOTIATE', payload: '' } });
      expect(probe.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(await numsub(madeUp)).toBe(0);
      expect(await numsub(callId)).toBeGreaterThan(0);
    } finally {
      await redis.quit();
    }
  });
});
