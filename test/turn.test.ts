import { createHmac } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import type { Client } from 'graphql-ws';
import type { RTCIceCandidatePairStats, RTCIceCandidateStats, RTCTransportStats } from 'werift';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnswerCallDocument, CancelCallDocument, DeclineCallDocument, EndCallDocument, IceServersDocument, InitiateCallDocument, MeDocument,
} from './generated/graphql.js';
import { createLogger } from '../src/logger.js';
import { startApp, type TestApp } from './helpers/app.js';
import { connected, deviceClient, execute, executeError, post, request } from './helpers/client.js';
import { findTurnserver, startCoturn, type Coturn } from './helpers/coturn.js';
import { TestPeer } from './helpers/peer.js';
import { waitFor } from './helpers/wait.js';

/**
 * docs/SIGNALING.md section 7 against a real coturn: the credentials `iceServers` hands out are
 * accepted by coturn's REST scheme, and a relay-only participant's call really flows through it.
 */
const turnserver = findTurnserver();
const required = Boolean(process.env.CI);
if (!turnserver && !required) {
  console.warn('Skipping test/turn.test.ts: the coturn binary `turnserver` (/usr/bin/turnserver) is not installed; install it with `apt-get install -y coturn`.');
}

const USERS = [['ada', 'provider', 'Dr Ada'], ['pat', 'patient', 'Pat'], ['eve', 'patient', 'Eve']] as const;
/** This machine's own non-loopback addresses: none may reach the other side of a relay-only call. */
const hostAddresses = Object.values(os.networkInterfaces()).flat()
  .filter((i) => i && !i.internal).map((i) => i!.address.replace(/%.*$/, ''));

let coturn: Coturn;

/** One app configured for the coturn under test, with its users, sockets and peers. */
interface Scenario {
  app: TestApp;
  tokens: Record<string, string>;
  /** The app's own database, to read presence sessions. */
  db: pg.Client;
  sockets: Client[];
  peers: TestPeer[];
  /** Every line the app logged, at debug level and up. */
  logs: string[];
  /** Closes the peers and sockets first (so no socket sees the server go away), then the app. */
  close(): Promise<void>;
}

async function scenario(env: Record<string, string>): Promise<Scenario> {
  const logs: string[] = [];
  const app = await startApp({ TURN_URLS: coturn.url, TURN_SECRET: coturn.secret, ...env }, { logger: createLogger('debug', (line) => logs.push(line)) });
  const tokens: Record<string, string> = {};
  for (const [id, role, name] of USERS) {
    tokens[id] = await app.token(id, role, name);
    await execute(app.url, MeDocument, {}, tokens[id]);
  }
  const db = new pg.Client({ connectionString: app.databaseUrl });
  await db.connect();
  const s: Scenario = {
    app, tokens, db, sockets: [], peers: [], logs,
    close: async () => {
      // After a failure peers may still be up: close them as hangUp does, waiting for the server.
      for (const peer of s.peers.splice(0)) await peer.close();
      await waitFor(async () => ((await openSessions(s)) === 0 ? true : undefined), 'the server to close every signals session', 5_000).catch(() => undefined);
      for (const client of s.sockets) await client.dispose();
      await db.end();
      await app.close();
    },
  };
  return s;
}

async function socket(s: Scenario, user: string): Promise<Client> {
  const client = deviceClient(s.app.wsUrl, s.tokens[user]!, `${user}-device-${s.sockets.length}`);
  s.sockets.push(client);
  await connected(client);
  return client;
}

/** ada calls pat, pat answers over her own socket. */
async function activeCall(s: Scenario) {
  const adaSocket = await socket(s, 'ada');
  const patSocket = await socket(s, 'pat');
  const placed = await request(adaSocket, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat'] } });
  const callId = placed.data!.initiateCall.id;
  const answered = await request(patSocket, AnswerCallDocument, { callId });
  expect(answered.data?.answerCall.status).toBe('ACTIVE');
  return { adaSocket, patSocket, callId };
}

/** Both peers take the API's ICE servers, negotiate, connect and pass a message each way. */
async function connectThroughApi(s: Scenario) {
  const { adaSocket, patSocket, callId } = await activeCall(s);
  const ada = new TestPeer(adaSocket, 'ada', callId, { useApiIceServers: true });
  const pat = new TestPeer(patSocket, 'pat', callId, { useApiIceServers: true });
  s.peers.push(ada, pat);
  await ada.join();
  await pat.join();
  const started = Date.now();
  await ada.start();
  await Promise.all([ada.connected(20_000), pat.connected(20_000)]);
  const connectMs = Date.now() - started;
  (await ada.channelOpen()).send('hello from the provider');
  expect(await pat.nextMessage()).toBe('hello from the provider');
  (await pat.channelOpen()).send('hello from the patient');
  expect(await ada.nextMessage()).toBe('hello from the patient');
  return { ada, pat, callId, connectMs };
}

/** How many signals sessions (presence) the server holds open, in one call or in all. */
async function openSessions(s: Scenario, callId?: string): Promise<number> {
  const { rows } = await s.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM call_participants
      WHERE ($1::uuid IS NULL OR call_id = $1) AND session_id IS NOT NULL AND session_closed_at IS NULL AND connection = 'CONNECTED'`,
    [callId ?? null],
  );
  return rows[0]!.n;
}

/**
 * Closes the scenario's peers and waits until the server has closed their signals sessions, then
 * ends the call. Waiting matters: the server closes a session in the subscription's return(),
 * and an app shut down while that query is in flight hangs (reported as a bug; see the report).
 */
async function hangUp(s: Scenario, callId: string): Promise<void> {
  for (const peer of s.peers.splice(0)) await peer.close();
  await waitFor(async () => ((await openSessions(s, callId)) === 0 ? true : undefined), 'the server to close both signals sessions');
  await execute(s.app.url, EndCallDocument, { callId }, s.tokens.ada);
}

/**
 * The candidate pair ICE actually selected, read the way a browser's getStats() exposes it:
 * transport.selectedCandidatePairId -> candidate-pair -> its local and remote candidates.
 */
async function selectedPair(peer: TestPeer) {
  const report = await peer.pc.getStats();
  const stats = [...report.values()];
  const transport = stats.find((s): s is RTCTransportStats => s.type === 'transport' && Boolean((s as RTCTransportStats).selectedCandidatePairId));
  if (!transport) throw new Error(`${peer.userId}: no transport with a selected candidate pair in ${JSON.stringify(stats, null, 2)}`);
  const pair = report.get(transport.selectedCandidatePairId!) as RTCIceCandidatePairStats;
  return {
    transport,
    pair,
    local: report.get(pair.localCandidateId) as RTCIceCandidateStats,
    remote: report.get(pair.remoteCandidateId) as RTCIceCandidateStats,
  };
}

/** Every candidate line a peer received: trickled ICE_CANDIDATE signals and any a=candidate in an SDP. */
function receivedCandidates(peer: TestPeer): string[] {
  return peer.received.flatMap((signal) => {
    if (signal.kind === 'ICE_CANDIDATE') return [(JSON.parse(signal.payload) as { candidate: string }).candidate];
    if (signal.kind === 'OFFER' || signal.kind === 'ANSWER') return signal.payload.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:')).map((l) => l.slice(2));
    return [];
  });
}

/** Usernames coturn granted an allocation to, from its log. */
function allocatedUsernames(): string[] {
  return [...coturn.output().matchAll(/user <([^>]+)>: incoming packet ALLOCATE processed, success/g)].map((m) => m[1]!);
}

async function iceServers(s: Scenario, user: string, callId: string) {
  const before = Math.floor(Date.now() / 1000);
  const response = await post(s.app.url, IceServersDocument, { callId }, s.tokens[user]);
  const after = Math.ceil(Date.now() / 1000);
  expect(response.body.errors).toBeUndefined();
  return { ...response.body.data!.iceServers, raw: JSON.stringify(response.body), before, after };
}

describe.skipIf(!turnserver && !required)('calls through a real coturn (docs/SIGNALING.md section 7)', () => {
  beforeAll(async () => {
    if (!turnserver) {
      throw new Error('CI must run the TURN tests, but the coturn binary `turnserver` is not on PATH (expected /usr/bin/turnserver). .ci/run installs it with `apt-get install -y coturn`.');
    }
    coturn = await startCoturn(turnserver);
    console.info(`coturn answered STUN ${coturn.startupMs} ms after spawn: ${coturn.argv.join(' ').replace(coturn.secret, '<secret>')}`);
  });
  afterAll(async () => {
    await coturn?.close();
  });

  describe('with FORCE_RELAY=all', () => {
    const ttlSeconds = 900;
    let s: Scenario;
    beforeAll(async () => {
      s = await scenario({ FORCE_RELAY: 'all', TURN_CREDENTIAL_TTL_SECONDS: String(ttlSeconds) });
    });
    afterAll(async () => {
      await s?.close();
    });

    it('connects both peers over a relay pair on coturn, and no host address or non-relay candidate crosses', async () => {
      const { ada, pat, callId, connectMs } = await connectThroughApi(s);
      console.info(`relay-only call: both peers connected and the data channel opened ${connectMs} ms after the offer`);

      for (const peer of [ada, pat]) {
        // The pair ICE selected, from the peer connection's own state.
        const { transport, pair, local, remote } = await selectedPair(peer);
        expect(transport.iceState).toBe('connected');
        expect(pair).toMatchObject({ state: 'succeeded', nominated: true });
        expect(local.candidateType).toBe('relay');
        expect(remote.candidateType).toBe('relay');
        // Both ends are allocations on this coturn: its relay address, inside its relay port range.
        for (const candidate of [local, remote]) {
          expect(candidate.address).toBe('127.0.0.1');
          expect(candidate.port).toBeGreaterThanOrEqual(coturn.relayPorts.min);
          expect(candidate.port).toBeLessThanOrEqual(coturn.relayPorts.max);
        }
        expect(pair.bytesSent).toBeGreaterThan(0);
        expect(pair.bytesReceived).toBeGreaterThan(0);

        // Everything the other side offered was a relay candidate; no address of this machine crossed,
        // and the related address (the sender's own, as coturn saw it) was blanked by the server.
        const candidates = receivedCandidates(peer);
        expect(peer.received.filter((sig) => sig.kind === 'ICE_CANDIDATE').length).toBeGreaterThan(0);
        for (const candidate of candidates) expect(candidate).toMatch(/ typ relay( |$)/);
        for (const candidate of candidates) expect(candidate).toMatch(/ raddr 0\.0\.0\.0 rport 0( |$)/);
        const everything = peer.received.map((sig) => sig.payload).join('\n');
        for (const address of hostAddresses) expect(everything).not.toContain(address);
      }

      // coturn itself granted both participants an allocation under the credentials the API minted.
      const usernames = allocatedUsernames();
      expect(usernames.some((u) => u.endsWith(':ada'))).toBe(true);
      expect(usernames.some((u) => u.endsWith(':pat'))).toBe(true);

      expect(await openSessions(s, callId)).toBe(2);
      await hangUp(s, callId);
    });

    it('hands out coturn REST credentials: <expiry>:<user id>, base64 HMAC-SHA1 of the secret, valid for TURN_CREDENTIAL_TTL_SECONDS', async () => {
      const { callId } = await activeCall(s);
      for (const user of ['ada', 'pat']) {
        const ice = await iceServers(s, user, callId);
        expect(ice.iceTransportPolicy).toBe('RELAY');
        // No STUN_URLS configured: only the TURN entry.
        expect(ice.iceServers).toHaveLength(1);
        const [turn] = ice.iceServers;
        expect(turn!.urls).toEqual([coturn.url]);
        const match = /^(\d+):(.+)$/.exec(turn!.username ?? '');
        expect(match, `username ${turn!.username}`).not.toBeNull();
        const expiry = Number(match![1]);
        expect(match![2]).toBe(user);
        expect(expiry).toBeGreaterThanOrEqual(ice.before + ttlSeconds);
        expect(expiry).toBeLessThanOrEqual(ice.after + ttlSeconds);
        expect(ice.expiresAt).toBe(new Date(expiry * 1000).toISOString());
        expect(turn!.credential).toBe(createHmac('sha1', coturn.secret).update(turn!.username!).digest('base64'));
        expect(ice.raw).not.toContain(coturn.secret);
      }
      await execute(s.app.url, EndCallDocument, { callId }, s.tokens.ada);
    });

    it('answers participants while the call rings, refuses an outsider with NOT_FOUND and an ENDED call with CONFLICT', async () => {
      const adaSocket = await socket(s, 'ada');
      const placed = await request(adaSocket, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat'] } });
      const callId = placed.data!.initiateCall.id;
      expect(placed.data!.initiateCall.status).toBe('RINGING');
      for (const user of ['ada', 'pat']) expect((await iceServers(s, user, callId)).iceServers[0]!.username).toMatch(new RegExp(`^\\d+:${user}$`));

      const outsider = await executeError(s.app.url, IceServersDocument, { callId }, s.tokens.eve);
      expect(outsider.extensions?.code).toBe('NOT_FOUND');
      expect(JSON.stringify(outsider)).not.toContain(coturn.secret);

      await execute(s.app.url, AnswerCallDocument, { callId }, s.tokens.pat);
      await execute(s.app.url, EndCallDocument, { callId }, s.tokens.ada);
      for (const user of ['ada', 'pat']) {
        const ended = await executeError(s.app.url, IceServersDocument, { callId }, s.tokens[user]);
        expect(ended.extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'ENDED' });
        expect(JSON.stringify(ended)).not.toContain(coturn.secret);
      }

      // In a live call, an invitee who declined gets nothing either; the others still do.
      const group = (await request(adaSocket, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat', 'eve'] } })).data!.initiateCall.id;
      await execute(s.app.url, DeclineCallDocument, { callId: group }, s.tokens.eve);
      const declined = await executeError(s.app.url, IceServersDocument, { callId: group }, s.tokens.eve);
      expect(declined).toMatchObject({ message: 'ICE servers are handed out only to participants in the call; you are DECLINED', extensions: { code: 'CONFLICT' } });
      expect((await iceServers(s, 'pat', group)).iceServers).toHaveLength(1);
      await execute(s.app.url, CancelCallDocument, { callId: group }, s.tokens.ada);
    });

    it('never writes the secret to a log line', () => {
      // What this scenario logged: starting, and whatever its calls above gave reason to.
      expect(s.logs.some((line) => line.includes('"msg":"listening"'))).toBe(true);
      expect(s.logs.join('\n')).not.toContain(coturn.secret);
    });
  });

  describe('with the default FORCE_RELAY (patients)', () => {
    let s: Scenario;
    beforeAll(async () => {
      s = await scenario({});
    });
    afterAll(async () => {
      await s?.close();
    });

    it('tells the patient RELAY and the provider ALL, with the default one-hour credentials', async () => {
      const { callId } = await activeCall(s);
      const forPat = await iceServers(s, 'pat', callId);
      const forAda = await iceServers(s, 'ada', callId);
      expect(forPat.iceTransportPolicy).toBe('RELAY');
      expect(forAda.iceTransportPolicy).toBe('ALL');
      for (const [user, ice] of [['pat', forPat], ['ada', forAda]] as const) {
        const [turn] = ice.iceServers;
        const expiry = Number(turn!.username!.split(':')[0]);
        expect(turn!.username).toBe(`${expiry}:${user}`);
        expect(expiry).toBeGreaterThanOrEqual(ice.before + 3_600);
        expect(expiry).toBeLessThanOrEqual(ice.after + 3_600);
        expect(turn!.credential).toBe(createHmac('sha1', coturn.secret).update(turn!.username!).digest('base64'));
      }
      await execute(s.app.url, EndCallDocument, { callId }, s.tokens.ada);
    });

    it('connects with the patient on a relay candidate and offering nothing else, while the provider may offer host candidates', async () => {
      const { ada, pat, callId } = await connectThroughApi(s);
      const { local } = await selectedPair(pat);
      expect(local.candidateType).toBe('relay');
      // The provider only ever learned relay candidates of the patient.
      const fromPat = receivedCandidates(ada);
      expect(fromPat.length).toBeGreaterThan(0);
      for (const candidate of fromPat) expect(candidate).toMatch(/ typ relay raddr 0\.0\.0\.0 rport 0( |$)/);
      const everythingFromPat = ada.received.map((sig) => sig.payload).join('\n');
      for (const address of hostAddresses) expect(everythingFromPat).not.toContain(address);
      // The provider was not forced: it offered its host candidates too.
      expect(receivedCandidates(pat).some((c) => / typ host( |$)/.test(c))).toBe(true);
      expect(await openSessions(s, callId)).toBe(2);
      await hangUp(s, callId);
    });
  });
});
