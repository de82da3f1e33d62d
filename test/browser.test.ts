import { existsSync } from 'node:fs';
import { print } from 'graphql';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnswerCallDocument, EndCallDocument, GetCallDocument, InitiateCallDocument, JoinCallDocument, SendSignalDocument, SignalsDocument,
} from './generated/graphql.js';
import { startApp, type TestApp } from './helpers/app.js';
import { execute } from './helpers/client.js';
import { waitFor } from './helpers/wait.js';

/**
 * Two real browsers (headless Chromium) place a video visit through the API the way a web client
 * does: each page speaks graphql-transport-ws over the browser's own WebSocket, answers and joins
 * on its own socket, and negotiates its RTCPeerConnection only through `sendSignal` and `signals`.
 */
const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
  .find((path) => path && existsSync(path));
const required = Boolean(process.env.CI);
if (!executablePath && !required) {
  console.warn('Skipping test/browser.test.ts: no Chromium found (CHROMIUM_PATH, /usr/bin/chromium); install it with `apt-get install -y chromium`.');
}

/** The little of the browser's WebRTC API the pages use (the project compiles without DOM types). */
interface Channel {
  readyState: string;
  send(text: string): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}
interface Peer {
  localDescription: { sdp: string } | null;
  connectionState: string;
  onicecandidate: ((event: { candidate: { candidate: string; toJSON(): object } | null }) => void) | null;
  ondatachannel: ((event: { channel: Channel }) => void) | null;
  createDataChannel(label: string): Channel;
  setLocalDescription(): Promise<void>;
  setRemoteDescription(description: { type: 'offer' | 'answer'; sdp: string }): Promise<void>;
  addIceCandidate(candidate: object): Promise<void>;
  getStats(): Promise<Map<string, Record<string, unknown>>>;
}
/** What the pages keep on `globalThis`. */
interface PageState {
  gql: { request(query: string, variables: unknown): Promise<unknown>; subscribe(query: string, variables: unknown, onData: (payload: { data?: { signals?: { kind: string; payload: string } } }) => void): void };
  pc: Peer;
  dc?: Channel;
  received: string[];
  failures: string[];
  RTCPeerConnection: new () => Peer;
}

const documents = {
  initiate: print(InitiateCallDocument), answer: print(AnswerCallDocument), join: print(JoinCallDocument),
  signals: print(SignalsDocument), send: print(SendSignalDocument), end: print(EndCallDocument),
};
type Documents = typeof documents;

/**
 * Runs in the page: a minimal graphql-transport-ws client on the browser's WebSocket, as
 * `globalThis.gql` (`request` resolves with `data` or rejects with the errors; `subscribe` hands
 * each result on). Resolves once the server acknowledged the connection.
 */
function installClient(wsUrl: string, token: string, deviceId: string): Promise<void> {
  type Handler = { next(payload: { data?: unknown; errors?: unknown }): void; error(errors: unknown): void; complete(): void };
  const w = globalThis as unknown as Record<string, unknown>;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
    const handlers = new Map<string, Handler>();
    let nextId = 1;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}`, deviceId } }));
    ws.onerror = () => reject(new Error('the socket failed'));
    ws.onclose = (event) => reject(new Error(`the socket closed: ${event.code} ${event.reason}`));
    ws.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { type: string; id?: string; payload?: never };
      if (message.type === 'connection_ack') return resolve();
      const handler = handlers.get(message.id ?? '');
      if (!handler) return;
      if (message.type === 'next') handler.next(message.payload!);
      if (message.type === 'error' || message.type === 'complete') handlers.delete(message.id!);
      if (message.type === 'error') handler.error(message.payload);
      if (message.type === 'complete') handler.complete();
    };
    const start = (query: string, variables: unknown, handler: Handler) => {
      const id = String(nextId++);
      handlers.set(id, handler);
      ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    };
    w.gql = {
      request: (query: string, variables: unknown) => new Promise((done, fail) => {
        let result: { data?: unknown; errors?: unknown } | undefined;
        start(query, variables, {
          next: (payload) => (result = payload),
          error: (errors) => fail(new Error(JSON.stringify(errors))),
          complete: () => (result?.errors ? fail(new Error(JSON.stringify(result.errors))) : done(result?.data)),
        });
      }),
      subscribe: (query: string, variables: unknown, onData: (payload: { data?: unknown }) => void) =>
        start(query, variables, { next: onData, error: () => undefined, complete: () => undefined }),
    };
  });
}

/**
 * Runs in the page: an RTCPeerConnection negotiated only through the API. The offerer opens a
 * data channel and sends the offer; both trickle their candidates; signals are handled one at a
 * time in seq order (a candidate never before its description). Messages received on the data
 * channel collect in `globalThis.received`.
 */
function startPeer(callId: string, offerer: boolean, docs: Documents): void {
  const w = globalThis as unknown as PageState;
  const pc = new w.RTCPeerConnection();
  w.pc = pc;
  w.received = [];
  w.failures = [];
  const send = (kind: string, payload: string) =>
    w.gql.request(docs.send, { input: { callId, kind, payload } }).catch((error: Error) => void w.failures.push(`${kind}: ${error.message}`));
  pc.onicecandidate = (event) => {
    if (!event.candidate) void send('END_OF_CANDIDATES', '');
    else if (event.candidate.candidate) void send('ICE_CANDIDATE', JSON.stringify(event.candidate.toJSON()));
  };
  const open = (channel: Channel) => {
    w.dc = channel;
    channel.onmessage = (event) => void w.received.push(String(event.data));
  };
  if (offerer) open(pc.createDataChannel('visit'));
  else pc.ondatachannel = (event) => open(event.channel);
  let queue = Promise.resolve();
  w.gql.subscribe(docs.signals, { callId, afterSeq: 0 }, (result) => {
    const signal = result.data?.signals;
    if (!signal) return void w.failures.push(`signals: ${JSON.stringify(result)}`);
    queue = queue.then(async () => {
      if (signal.kind === 'OFFER') {
        await pc.setRemoteDescription({ type: 'offer', sdp: signal.payload });
        await pc.setLocalDescription();
        await send('ANSWER', pc.localDescription!.sdp);
      } else if (signal.kind === 'ANSWER') {
        await pc.setRemoteDescription({ type: 'answer', sdp: signal.payload });
      } else if (signal.kind === 'ICE_CANDIDATE') {
        await pc.addIceCandidate(JSON.parse(signal.payload) as object);
      }
    }).catch((error: Error) => void w.failures.push(`${signal.kind}: ${error.message}`));
  });
  if (offerer) {
    void pc.setLocalDescription().then(() => send('OFFER', pc.localDescription!.sdp));
  }
}

describe.skipIf(!executablePath && !required)('two browsers in a video visit', () => {
  let app: TestApp;
  let browser: Browser;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    if (!executablePath) throw new Error('CI runs test/browser.test.ts: install Chromium (apt-get install -y chromium) or set CHROMIUM_PATH');
    app = await startApp();
    tokens.ada = await app.token('ada', 'provider', 'Dr Ada');
    tokens.pat = await app.token('pat', 'patient', 'Pat');
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      // Root in a container has no sandbox; host candidates as real addresses, not mDNS names.
      args: ['--no-sandbox', '--disable-features=WebRtcHideLocalIpsWithMdns'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const page = async (user: 'ada' | 'pat'): Promise<Page> => {
    const tab = await browser.newPage();
    await tab.evaluate(installClient, app.wsUrl, tokens[user]!, `${user}-browser-tab`);
    return tab;
  };
  const state = (tab: Page) => tab.evaluate(() => (globalThis as unknown as PageState).pc.connectionState);
  const failures = (tab: Page) => tab.evaluate(() => (globalThis as unknown as PageState).failures);

  it('connect peer to peer, talk over a data channel both ways, and leave the visit in history', async () => {
    const [ada, pat] = [await page('ada'), await page('pat')];
    const placed = await ada.evaluate((docs) => (globalThis as unknown as PageState)
      .gql.request(docs.initiate, { input: { type: 'VIDEO', inviteeIds: ['pat'] } }), documents) as { initiateCall: { id: string } };
    const callId = placed.initiateCall.id;
    const call = (tab: Page, query: string) => tab.evaluate((q, id) => (globalThis as unknown as PageState).gql.request(q, { callId: id }), query, callId);
    await call(pat, documents.answer);
    await call(ada, documents.join);
    await call(pat, documents.join);

    await pat.evaluate(startPeer, callId, false, documents);
    await ada.evaluate(startPeer, callId, true, documents);
    await waitFor(async () => ((await state(ada)) === 'connected' && (await state(pat)) === 'connected' ? true : undefined), 'both browsers connected', 20_000)
      .catch(async (error: Error) => {
        throw new Error(`${error.message}: ada ${await state(ada)} ${JSON.stringify(await failures(ada))}, pat ${await state(pat)} ${JSON.stringify(await failures(pat))}`);
      });
    // What the browsers selected is a direct pair: no relay is configured here. The transport names
    // its selected pair; the stats can lag the connection state by a moment, so they are read until they do.
    const selectedPair = () => ada.evaluate(async () => {
      const stats = [...(await (globalThis as unknown as PageState).pc.getStats()).values()];
      const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
      const selected = stats.find((s) => s.type === 'candidate-pair' && (transport ? s.id === transport.selectedCandidatePairId : s.state === 'succeeded' && s.nominated));
      if (!selected) return undefined;
      return [stats.find((s) => s.id === selected.localCandidateId)?.candidateType, stats.find((s) => s.id === selected.remoteCandidateId)?.candidateType];
    });
    const pair = await waitFor(selectedPair, 'a selected candidate pair in the stats', 5_000);
    expect(pair).toEqual(['host', 'host']);

    const talk = (tab: Page, text: string) => tab.evaluate(async (t) => {
      const w = globalThis as unknown as PageState;
      while (w.dc?.readyState !== 'open') await new Promise((resolve) => setTimeout(resolve, 20));
      w.dc.send(t);
    }, text);
    const heard = (tab: Page) => tab.evaluate(() => (globalThis as unknown as PageState).received);
    await talk(ada, 'hello from the provider');
    await talk(pat, 'hello from the patient');
    await waitFor(async () => ((await heard(pat)).length > 0 && (await heard(ada)).length > 0 ? true : undefined), 'both messages', 5_000);
    expect(await heard(pat)).toEqual(['hello from the provider']);
    expect(await heard(ada)).toEqual(['hello from the patient']);
    expect(await failures(ada)).toEqual([]);
    expect(await failures(pat)).toEqual([]);

    await call(ada, documents.end);
    const ended = (await execute(app.url, GetCallDocument, { id: callId }, tokens.ada)).call;
    expect(ended.status).toBe('ENDED');
    for (const p of ended.participants) {
      expect(p.joinedAt).toBeTruthy();
      expect(p.leftAt).toBe(ended.endedAt);
    }
    await ada.close();
    await pat.close();
  });
});
