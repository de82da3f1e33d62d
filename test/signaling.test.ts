import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnswerCallDocument, EndCallDocument, GetCallDocument, InitiateCallDocument, MeDocument,
} from './generated/graphql.js';
import { startApp, type TestApp } from './helpers/app.js';
import { connected, deviceClient, execute, request } from './helpers/client.js';
import { TestPeer } from './helpers/peer.js';

let app: TestApp;
const tokens: Record<string, string> = {};
const sockets: Client[] = [];
const peers: TestPeer[] = [];

beforeAll(async () => {
  app = await startApp({ PRESENCE_GRACE_MS: '200', RECONNECT_WINDOW_MS: '1500' });
  for (const [id, role, name] of [['ada', 'provider', 'Dr Ada'], ['pat', 'patient', 'Pat'], ['eve', 'patient', 'Eve']] as const) {
    tokens[id] = await app.token(id, role, name);
    await execute(app.url, MeDocument, {}, tokens[id]);
  }
});
afterAll(async () => {
  for (const peer of peers) await peer.close();
  for (const socket of sockets) await socket.dispose();
  await app?.close();
});

async function socket(user: string, device: string): Promise<Client> {
  const client = deviceClient(app.wsUrl, tokens[user]!, device);
  sockets.push(client);
  await connected(client);
  return client;
}

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
