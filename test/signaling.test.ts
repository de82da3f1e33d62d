import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnswerCallDocument, CallEventsDocument, EndCallDocument, GetCallDocument, IceServersDocument, IncomingCallDocument,
  InitiateCallDocument, JoinCallDocument, LeaveCallDocument, SendSignalDocument, SignalsDocument, UpdateMediaStateDocument,
} from './generated/graphql.js';
import { startApp, type TestApp } from './helpers/app.js';
import { connected, DeviceSockets, execute, request, subscribe, wsClient } from './helpers/client.js';
import { TestPeer } from './helpers/peer.js';

let app: TestApp;
const tokens: Record<string, string> = {};
const sockets = new DeviceSockets(() => app.wsUrl, tokens);
const peers: TestPeer[] = [];

beforeAll(async () => {
  app = await startApp({ PRESENCE_GRACE_MS: '200', RECONNECT_WINDOW_MS: '1500' });
  Object.assign(tokens, await app.signIn([['ada', 'provider', 'Dr Ada'], ['pat', 'patient', 'Pat'], ['eve', 'patient', 'Eve']]));
});
afterAll(async () => {
  for (const peer of peers) await peer.close();
  await sockets.closeAll();
  await app?.close();
});

const socket = (user: string, device: string): Promise<Client> => sockets.connect(user, device);

/** ada calls pat, pat answers on `patDevice`; returns both sockets and the call id. */
async function activeCall(patDevice = 'pat-laptop-1') {
  const adaSocket = await socket('ada', `ada-desk-${peers.length}`);
  const patSocket = await socket('pat', patDevice);
  const placed = await request(adaSocket, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat'] } });
  const callId = placed.data!.initiateCall.id;
  const answered = await request(patSocket, AnswerCallDocument, { callId });
  expect(answered.data?.answerCall.status).toBe('ACTIVE');
  return { adaSocket, patSocket, callId };
}

/** ada calls pat, pat answers over HTTP with no x-device-id: the call is bound to no device of pat's. */
async function answeredWithoutDevice(tag: string) {
  const adaSocket = await socket('ada', `ada-desk-${tag}`);
  const callId = (await request(adaSocket, InitiateCallDocument, { input: { type: 'AUDIO', inviteeIds: ['pat'] } })).data!.initiateCall.id;
  expect((await execute(app.url, AnswerCallDocument, { callId }, tokens.pat)).answerCall.status).toBe('ACTIVE');
  return { adaSocket, callId };
}

/** ada calls `invitees` in that order, on sockets of `tag`, and each answers: ada's socket, each invitee's, and the call id. */
async function groupCall(invitees: string[], tag: string) {
  const ada = await socket('ada', `ada-desk-${tag}`);
  const clients = new Map<string, Client>();
  for (const invitee of invitees) clients.set(invitee, await socket(invitee, `${invitee}-tab-${tag}`));
  const callId = (await request(ada, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: invitees } })).data!.initiateCall.id;
  for (const client of clients.values()) await request(client, AnswerCallDocument, { callId });
  const invitee = (user: string): Client => {
    const client = clients.get(user);
    if (!client) throw new Error(`${user} is not invited`);
    return client;
  };
  return { ada, invitee, callId };
}

describe('two WebRTC peers negotiating only through the API', () => {
  it('connect, exchange data-channel messages both ways, and leave history with both join and leave times', async () => {
    const { adaSocket, patSocket, callId } = await activeCall();
    const ada = new TestPeer(adaSocket, 'ada', callId);
    const pat = new TestPeer(patSocket, 'pat', callId);
    peers.push(ada, pat);
    expect(await ada.join()).toBe(false);
    expect(await pat.join()).toBe(true);
    await ada.start();
    await Promise.all([ada.connected(), pat.connected()]);
    (await ada.channelOpen()).send('hello from the provider');
    expect(await pat.nextMessage()).toBe('hello from the provider');
    (await pat.channelOpen()).send('hello from the patient');
    expect(await ada.nextMessage()).toBe('hello from the patient');

    // Everything pat received came from ada, numbered 1..n with no gap or repeat, in the order sent:
    // the offer, its candidates, the end of candidates.
    expect(pat.received.map((s) => s.seq)).toEqual(pat.received.map((_, i) => i + 1));
    expect(pat.received[0]).toMatchObject({ kind: 'OFFER', fromParticipantId: 'ada', callId });
    expect(pat.received.slice(1, -1).every((s) => s.kind === 'ICE_CANDIDATE')).toBe(true);
    expect(pat.received.at(-1)?.kind).toBe('END_OF_CANDIDATES');
    expect(pat.received.filter((s) => s.kind === 'RESYNC')).toEqual([]);
    expect(new Set(pat.received.map((s) => s.epoch))).toEqual(new Set([pat.lastEpoch]));
    expect(new Set(pat.received.map((s) => s.fromParticipantId))).toEqual(new Set(['ada']));
    expect(ada.received[0]).toMatchObject({ kind: 'ANSWER', fromParticipantId: 'pat' });

    await execute(app.url, EndCallDocument, { callId }, tokens.ada);
    const call = (await execute(app.url, GetCallDocument, { id: callId }, tokens.ada)).call;
    expect(call.status).toBe('ENDED');
    for (const p of call.participants) {
      expect(p.status).toBe('LEFT');
      expect(p.joinedAt).toBeTruthy();
      expect(p.leftAt).toBe(call.endedAt);
    }
  });
});

describe('resume after a dropped socket', () => {
  it('delivers every signal missed while the socket was down, in order, exactly once, and the call still connects', async () => {
    const { adaSocket, patSocket, callId } = await activeCall('pat-phone-resume');
    const ada = new TestPeer(adaSocket, 'ada', callId);
    const pat = new TestPeer(patSocket, 'pat', callId);
    peers.push(ada, pat);
    await ada.join();
    await pat.join();
    // Drop pat's socket right after she has handled the offer (and answered): ada's candidates are
    // then lost with the socket or sent while she is away.
    let dropped!: () => void;
    const down = new Promise<void>((resolve) => (dropped = resolve));
    pat.afterSignal = async (signal) => {
      if (signal.kind !== 'OFFER') return;
      pat.afterSignal = undefined;
      await pat.drop();
      dropped();
    };
    await ada.start();
    await down;
    expect(pat.lastSeq).toBe(1);
    // The resume names the numbering too; nothing was lost, so it gets no RESYNC.
    expect(pat.lastEpoch).toMatch(/^[1-9][0-9]{12,15}$/);
    pat.resume(await socket('pat', 'pat-phone-resume'));
    await Promise.all([ada.connected(), pat.connected()]);
    (await ada.channelOpen()).send('still there?');
    expect(await pat.nextMessage()).toBe('still there?');
    const seqs = pat.received.map((s) => s.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(pat.received.at(-1)?.kind).toBe('END_OF_CANDIDATES');
    expect(pat.received.filter((s) => s.kind === 'RESYNC')).toEqual([]);
    expect(new Set(pat.received.map((s) => s.epoch))).toEqual(new Set([pat.lastEpoch]));
    // The candidates arrived only through the resumed subscription.
    expect(pat.received.length).toBeGreaterThan(2);
    await execute(app.url, EndCallDocument, { callId }, tokens.ada);
  });
});

type CallEvents = ReturnType<typeof subscribe<unknown, unknown>>;

/** The next event of a callEvents subscription. */
const callEvent = async (events: CallEvents, timeoutMs = 5_000) =>
  ((await events.next(timeoutMs)).data as { callEvents: { kind: string; participantId: string | null; status: string } }).callEvents;

/** The next event that is not PARTICIPANT_JOINED (joins happen around the events under test). */
async function nextEvent(events: CallEvents, timeoutMs = 5_000) {
  for (;;) {
    const event = await callEvent(events, timeoutMs);
    if (event.kind !== 'PARTICIPANT_JOINED') return event;
  }
}

describe('presence', () => {
  it('marks a dropped participant DISCONNECTED after the grace period and RECONNECTED when they return', async () => {
    const { adaSocket, callId } = await activeCall('pat-tab-presence');
    const events = subscribe(adaSocket, CallEventsDocument, { callId });
    expect((await events.next()).data?.callEvents.kind).toBe('CURRENT_STATUS');
    const first = await socket('pat', 'pat-tab-presence');
    const inbox = subscribe(first, SignalsDocument, { callId, afterSeq: 0 });
    // The subscription is live once a signal sent to pat arrives through it.
    await request(adaSocket, JoinCallDocument, { callId });
    await request(adaSocket, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } });
    expect((await inbox.next()).data?.signals.seq).toBe(1);
    await first.dispose();
    expect(await nextEvent(events as never)).toMatchObject({ kind: 'PARTICIPANT_DISCONNECTED', participantId: 'pat', status: 'ACTIVE' });
    const back = await socket('pat', 'pat-tab-presence');
    const again = subscribe(back, SignalsDocument, { callId, afterSeq: 1 });
    expect(await nextEvent(events as never)).toMatchObject({ kind: 'PARTICIPANT_RECONNECTED', participantId: 'pat' });
    const call = (await execute(app.url, GetCallDocument, { id: callId }, tokens.ada)).call;
    expect(call.participants.find((p) => p.user.id === 'pat')?.status).toBe('JOINED');
    again.dispose();
    await execute(app.url, EndCallDocument, { callId }, tokens.ada);
  });

  it('ends a 1:1 call with PEER_LOST when the dropped participant does not come back in time', async () => {
    const { adaSocket, callId } = await activeCall('pat-tab-lost');
    const events = subscribe(adaSocket, CallEventsDocument, { callId });
    expect((await events.next()).data?.callEvents.kind).toBe('CURRENT_STATUS');
    const gone = await socket('pat', 'pat-tab-lost');
    const inbox = subscribe(gone, SignalsDocument, { callId, afterSeq: 0 });
    await request(adaSocket, JoinCallDocument, { callId });
    await request(adaSocket, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } });
    await inbox.next();
    await gone.dispose();
    const kinds: string[] = [];
    for (let i = 0; i < 3; i++) kinds.push((await nextEvent(events as never, 8_000)).kind);
    expect(kinds).toEqual(['PARTICIPANT_DISCONNECTED', 'PARTICIPANT_LOST', 'STATUS_CHANGED']);
    // The call was ended by a timer, not by a request to this instance: the call's own event
    // dropped the view the send above had cached (trusted for 10 s otherwise), so signals stop now.
    const late = await request(adaSocket, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } });
    expect(late.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT', currentStatus: 'ENDED' } });
    const call = (await execute(app.url, GetCallDocument, { id: callId }, tokens.ada)).call;
    expect(call).toMatchObject({ status: 'ENDED', endReason: 'PEER_LOST' });
    const pat = call.participants.find((p) => p.user.id === 'pat')!;
    expect(pat.status).toBe('LEFT');
    expect(pat.leftAt).toBeTruthy();
  });

  it('tells the others when a participant turns the camera off', async () => {
    const { adaSocket, patSocket, callId } = await activeCall('pat-tab-media');
    const events = subscribe(adaSocket, CallEventsDocument, { callId });
    expect((await events.next()).data?.callEvents.kind).toBe('CURRENT_STATUS');
    const updated = await request(patSocket, UpdateMediaStateDocument, { input: { callId, audio: true, video: false, screen: false } });
    expect(updated.data?.updateMediaState.participants.find((p) => p.user.id === 'pat')).toMatchObject({ audio: true, video: false, screen: false });
    expect((await events.next()).data?.callEvents).toMatchObject({
      kind: 'PARTICIPANT_MEDIA_CHANGED', participantId: 'pat', media: { audio: true, video: false, screen: false },
    });
    await execute(app.url, EndCallDocument, { callId }, tokens.ada);
  });
});

describe('leaving on purpose', () => {
  it('tells the other side who joined and who left, and ends a 1:1 call with HANGUP', async () => {
    const { adaSocket, patSocket, callId } = await activeCall('pat-tab-leave');
    const events = subscribe(adaSocket, CallEventsDocument, { callId });
    expect((await callEvent(events as never)).kind).toBe('CURRENT_STATUS');
    await request(adaSocket, JoinCallDocument, { callId });
    await request(patSocket, JoinCallDocument, { callId });
    expect(await callEvent(events as never)).toMatchObject({ kind: 'PARTICIPANT_JOINED', participantId: 'ada' });
    expect(await callEvent(events as never)).toMatchObject({ kind: 'PARTICIPANT_JOINED', participantId: 'pat' });

    const left = (await request(patSocket, LeaveCallDocument, { callId })).data!.leaveCall;
    expect(left).toMatchObject({ status: 'ENDED', endReason: 'HANGUP' });
    const pat = left.participants.find((p) => p.user.id === 'pat')!;
    expect(pat.status).toBe('LEFT');
    expect(Date.parse(pat.leftAt!)).toBeGreaterThanOrEqual(Date.parse(pat.joinedAt!));
    // A change's status event comes first, then what happened to whom.
    expect(await callEvent(events as never)).toMatchObject({ kind: 'STATUS_CHANGED', status: 'ENDED' });
    expect(await callEvent(events as never)).toMatchObject({ kind: 'PARTICIPANT_LEFT', participantId: 'pat' });
    // Left is left: not again, and no more signals.
    expect((await request(patSocket, LeaveCallDocument, { callId })).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'ENDED' });
    const late = await request(patSocket, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } });
    expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'ENDED' });
    events.dispose();
  });

  it('keeps a group call going while two are still in it, and ends it when the last but one leaves', async () => {
    const { ada: adaSocket, invitee, callId } = await groupCall(['pat', 'eve'], 'group');
    const [patSocket, eveSocket] = [invitee('pat'), invitee('eve')];
    for (const joining of [adaSocket, patSocket, eveSocket]) expect((await request(joining, JoinCallDocument, { callId })).errors).toBeUndefined();
    // A signal goes to the participant it names, and to no one else in the call.
    const sendTo = (to: string, payload: string) => request(adaSocket, SendSignalDocument, { input: { callId, toParticipantId: to, kind: 'RENEGOTIATE', payload } });
    expect((await sendTo('pat', 'for pat')).data?.sendSignal).toEqual({ seq: 1, toParticipantId: 'pat' });
    expect((await sendTo('eve', 'for eve')).data?.sendSignal).toEqual({ seq: 1, toParticipantId: 'eve' });
    const eveInbox = subscribe(eveSocket, SignalsDocument, { callId, afterSeq: 0 });
    expect((await eveInbox.next()).data?.signals).toMatchObject({ seq: 1, payload: 'for eve', fromParticipantId: 'ada' });
    eveInbox.dispose();
    const patInbox = subscribe(patSocket, SignalsDocument, { callId, afterSeq: 0 });
    expect((await patInbox.next()).data?.signals).toMatchObject({ seq: 1, payload: 'for pat' });

    const afterEve = (await request(eveSocket, LeaveCallDocument, { callId })).data!.leaveCall;
    expect(afterEve.status).toBe('ACTIVE');
    expect(afterEve.participants.map((p) => [p.user.id, p.status]).sort()).toEqual([['ada', 'JOINED'], ['eve', 'LEFT'], ['pat', 'JOINED']]);
    // Those still in it go on signalling each other; pat's inbox held only what was for her.
    expect((await sendTo('pat', 'still here')).data?.sendSignal.seq).toBe(2);
    expect((await patInbox.next()).data?.signals).toMatchObject({ seq: 2, payload: 'still here' });
    patInbox.dispose();

    const afterPat = (await request(patSocket, LeaveCallDocument, { callId })).data!.leaveCall;
    expect(afterPat).toMatchObject({ status: 'ENDED', endReason: 'HANGUP' });
  });
});

describe('perfect negotiation in a group call', () => {
  it('gives each pair of participants exactly one polite peer, and the top-level flag only to who is polite toward all', async () => {
    tokens.sal = await app.token('sal', 'patient', 'Sal');
    // Named in this order: ada (the caller), pat, sal.
    const { ada: adaSocket, invitee, callId } = await groupCall(['pat', 'sal'], 'polite');
    const [patSocket, salSocket] = [invitee('pat'), invitee('sal')];
    const joined: Record<string, { polite: boolean; peers: { participantId: string; polite: boolean }[] }> = {};
    for (const [user, client] of [['ada', adaSocket], ['pat', patSocket], ['sal', salSocket]] as const) {
      joined[user] = (await request(client, JoinCallDocument, { callId })).data!.joinCall;
    }
    const toward = (me: string, them: string) => joined[me]!.peers.find((p) => p.participantId === them)?.polite;
    // The one named later in each pair is polite toward the other.
    expect([toward('ada', 'pat'), toward('ada', 'sal'), toward('pat', 'sal')]).toEqual([false, false, false]);
    expect([toward('pat', 'ada'), toward('sal', 'ada'), toward('sal', 'pat')]).toEqual([true, true, true]);
    for (const [me, them] of [['ada', 'pat'], ['ada', 'sal'], ['pat', 'sal']] as const) expect(toward(me, them)).toBe(!toward(them, me));
    expect([joined.ada!.polite, joined.pat!.polite, joined.sal!.polite]).toEqual([false, false, true]);
    await execute(app.url, EndCallDocument, { callId }, tokens.ada);
  });
});

describe('several devices', () => {
  it('rings on every device, binds the call to the one that answers, and keeps the others out', async () => {
    const phone = await socket('pat', 'pat-phone-multi');
    const laptop = await socket('pat', 'pat-laptop-multi');
    const adaSocket = await socket('ada', 'ada-desk-multi');
    const phoneRing = subscribe(phone, IncomingCallDocument, {});
    const laptopRing = subscribe(laptop, IncomingCallDocument, {});
    const callId = (await request(adaSocket, InitiateCallDocument, { input: { type: 'AUDIO', inviteeIds: ['pat'] } })).data!.initiateCall.id;
    const ringing = async (ring: typeof phoneRing) => {
      for (;;) {
        const heard = (await ring.next()).data!.incomingCall;
        if (heard.callId === callId) return heard;
      }
    };
    expect((await ringing(phoneRing)).event).toBe('RINGING');
    expect((await ringing(laptopRing)).event).toBe('RINGING');
    // Before the answer no device of pat's may open the call's signals: a stream opened on the
    // phone now would go on after the laptop answered.
    const early = subscribe(phone, SignalsDocument, { callId, afterSeq: 0 });
    expect((await early.next()).errors?.[0]).toMatchObject({ message: 'answer or join the call before opening its signals', extensions: { code: 'CONFLICT' } });
    expect((await request(laptop, AnswerCallDocument, { callId })).data?.answerCall.status).toBe('ACTIVE');
    expect((await ringing(phoneRing)).event).toBe('ANSWERED_ELSEWHERE');

    const signals = subscribe(phone, SignalsDocument, { callId, afterSeq: 0 });
    expect((await signals.next()).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ANSWERED_ELSEWHERE' });
    const sent = await request(phone, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } });
    expect(sent.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ANSWERED_ELSEWHERE' });
    expect((await request(phone, JoinCallDocument, { callId })).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ANSWERED_ELSEWHERE' });
    // The laptop is in: it joins and may signal.
    expect((await request(laptop, JoinCallDocument, { callId })).data?.joinCall.polite).toBe(true);
    expect((await request(laptop, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } })).data?.sendSignal.seq).toBe(1);

    // Hanging up is not media: pat can leave from the phone the visit her laptop took (a laptop
    // left running in the call), and the 1:1 call ends.
    expect((await request(phone, LeaveCallDocument, { callId })).data?.leaveCall).toMatchObject({ status: 'ENDED', endReason: 'HANGUP' });

    // The laptop was not told ANSWERED_ELSEWHERE about its own answer: its next event is the next call.
    const next = (await request(adaSocket, InitiateCallDocument, { input: { type: 'AUDIO', inviteeIds: ['pat'] } })).data!.initiateCall.id;
    expect((await laptopRing.next()).data?.incomingCall).toMatchObject({ callId: next, event: 'RINGING' });
    await execute(app.url, (await import('./generated/graphql.js')).CancelCallDocument, { callId: next }, tokens.ada);
  });

  it('binds a call answered without a device id to the first device that opens its signals, and keeps the other out of them', async () => {
    const phone = await socket('pat', 'pat-phone-unbound');
    const laptop = await socket('pat', 'pat-laptop-unbound');
    const { adaSocket, callId } = await answeredWithoutDevice('unbound');
    const onLaptop = subscribe(laptop, SignalsDocument, { callId, afterSeq: 0 });
    expect((await request(adaSocket, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: 'first' } })).data?.sendSignal.seq).toBe(1);
    expect((await onLaptop.next()).data?.signals).toMatchObject({ seq: 1, payload: 'first' });
    // The laptop's stream is open, so the call is the laptop's: the phone gets neither the signals nor a say.
    const onPhone = subscribe(phone, SignalsDocument, { callId, afterSeq: 0 });
    expect((await onPhone.next()).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ANSWERED_ELSEWHERE' });
    const fromPhone = await request(phone, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } });
    expect(fromPhone.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ANSWERED_ELSEWHERE' });
    expect((await request(phone, JoinCallDocument, { callId })).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ANSWERED_ELSEWHERE' });
    expect((await request(laptop, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: '' } })).data?.sendSignal.seq).toBe(1);
    onLaptop.dispose();
    await execute(app.url, EndCallDocument, { callId }, tokens.ada);
  });
});

describe('a socket that names no device', () => {
  it('answers, joins and opens a call\'s signals without binding it, so the same client reconnecting (another made-up id) opens them again', async () => {
    const adaSocket = await socket('ada', 'ada-desk-nameless');
    const callId = (await request(adaSocket, InitiateCallDocument, { input: { type: 'AUDIO', inviteeIds: ['pat'] } })).data!.initiateCall.id;
    const answering = wsClient(app.wsUrl, tokens.pat);
    await connected(answering);
    expect((await request(answering, AnswerCallDocument, { callId })).data?.answerCall.status).toBe('ACTIVE');
    expect((await request(answering, JoinCallDocument, { callId })).data?.joinCall.polite).toBe(true);
    await answering.dispose();
    for (const attempt of [1, 2]) {
      const nameless = wsClient(app.wsUrl, tokens.pat);
      await connected(nameless);
      const inbox = subscribe(nameless, SignalsDocument, { callId, afterSeq: attempt - 1 });
      expect((await request(adaSocket, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: `try ${attempt}` } })).data?.sendSignal.seq).toBe(attempt);
      expect((await inbox.next()).data?.signals).toMatchObject({ seq: attempt, payload: `try ${attempt}` });
      await nameless.dispose();
    }
    await execute(app.url, EndCallDocument, { callId }, tokens.ada);
  });
});

describe('a nameless stream on a call bound to no device', () => {
  it('ends as ANSWERED_ELSEWHERE once a named device of the same user binds the call, and gets nothing after', async () => {
    const { adaSocket, callId } = await answeredWithoutDevice('unbound-end');
    const nameless = wsClient(app.wsUrl, tokens.pat);
    await connected(nameless);
    const inbox = subscribe(nameless, SignalsDocument, { callId, afterSeq: 0 });
    expect((await request(adaSocket, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: 'before' } })).data?.sendSignal.seq).toBe(1);
    expect((await inbox.next()).data?.signals.payload).toBe('before');
    // The laptop names itself and joins: the call is the laptop's from now on.
    const laptop = await socket('pat', 'pat-laptop-unbound-end');
    expect((await request(laptop, JoinCallDocument, { callId })).data?.joinCall.polite).toBe(true);
    expect((await inbox.next()).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ANSWERED_ELSEWHERE' });
    const onLaptop = subscribe(laptop, SignalsDocument, { callId, afterSeq: 1 });
    expect((await request(adaSocket, SendSignalDocument, { input: { callId, kind: 'RENEGOTIATE', payload: 'after' } })).data?.sendSignal.seq).toBe(2);
    expect((await onLaptop.next()).data?.signals.payload).toBe('after');
    expect(inbox.pending()).toBe(0);
    onLaptop.dispose();
    await nameless.dispose();
    await execute(app.url, EndCallDocument, { callId }, tokens.ada);
  });
});

describe('isolation', () => {
  it('keeps an outsider out of a call\'s signals, exactly as if it did not exist', async () => {
    const { callId } = await activeCall('pat-tab-isolation');
    const eve = await socket('eve', 'eve-tab-isolation');
    const missing = '00000000-0000-4000-8000-000000000000';
    const sub = subscribe(eve, SignalsDocument, { callId, afterSeq: 0 });
    const subMissing = subscribe(eve, SignalsDocument, { callId: missing, afterSeq: 0 });
    const refusal = (e: { message: string; extensions?: unknown } | undefined) => ({ message: e?.message, extensions: e?.extensions });
    const [a, b] = [refusal((await sub.next()).errors?.[0]), refusal((await subMissing.next()).errors?.[0])];
    expect(a).toEqual({ message: 'call not found', extensions: { code: 'NOT_FOUND' } });
    expect(b).toEqual(a);
    const send = await request(eve, SendSignalDocument, { input: { callId, kind: 'OFFER', payload: 'v=0' } });
    expect(refusal(send.errors?.[0])).toEqual(a);
    expect(refusal((await request(eve, IceServersDocument, { callId })).errors?.[0])).toEqual(a);
    expect((await request(eve, JoinCallDocument, { callId })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await execute(app.url, EndCallDocument, { callId }, tokens.ada);
  });

  it('never lets a signal cross between two calls running at once', async () => {
    tokens.bob = await app.token('bob', 'provider', 'Dr Bob');
    tokens.sam = await app.token('sam', 'patient', 'Sam');
    const calls = [await activeCall('pat-tab-cross')];
    const bobSocket = await socket('bob', 'bob-desk-cross');
    const samSocket = await socket('sam', 'sam-tab-cross');
    const second = (await request(bobSocket, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['sam'] } })).data!.initiateCall.id;
    await request(samSocket, AnswerCallDocument, { callId: second });
    const pairs = [
      [new TestPeer(calls[0]!.adaSocket, 'ada', calls[0]!.callId), new TestPeer(calls[0]!.patSocket, 'pat', calls[0]!.callId)],
      [new TestPeer(bobSocket, 'bob', second), new TestPeer(samSocket, 'sam', second)],
    ] as const;
    for (const [a, b] of pairs) {
      peers.push(a, b);
      await a.join();
      await b.join();
    }
    await Promise.all(pairs.map(([a]) => a.start()));
    await Promise.all(pairs.flat().map((p) => p.connected()));
    for (const [a, b] of pairs) {
      expect(new Set(b.received.map((s) => `${s.callId}/${s.fromParticipantId}`))).toEqual(new Set([`${a.callId}/${a.userId}`]));
      expect(new Set(a.received.map((s) => `${s.callId}/${s.fromParticipantId}`))).toEqual(new Set([`${b.callId}/${b.userId}`]));
    }
  });
});
