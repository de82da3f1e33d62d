/**
 * The floor of the service's protocol: the graphql-transport-ws frames the service's clients send
 * and receive (bench/lib/gql-socket.ts, the documents of service-calls.ts), relayed with nothing
 * else. No token check, no call state, no validation, no rate limit, no numbering kept for
 * resume, no relay-only filter, no GraphQL: a `signals` subscription joins the room of its
 * `callId`, and a `sendSignal` goes to the other member of that room as the `next` of its
 * subscription, in the shape the service gives it. A `sendSignal` completed in the same write is
 * not answered; any other gets its `next` and `complete`. What the service costs beyond this is
 * what its features cost; what this costs beyond Socket.IO is what the protocol costs.
 *
 * `FLOOR_BURN_US` (environment, default 0) makes it spin that many microseconds before each
 * delivery: JavaScript work that allocates nothing and touches no socket, to see what CPU spent
 * per message costs besides itself. `FLOOR_GARBAGE_KIB` (default 0) makes it allocate about that
 * many KiB of short-lived objects per delivery, to see what garbage costs (bench/README.md,
 * sixth session).
 *
 * Two more, to tell apart where the service's cost beyond this floor comes from (fourteenth
 * session): `FLOOR_FEATURES` runs some of the service's own per-signal work on each
 * `sendSignal`, from src/: `checks` (the sender's rate limit, then `payloadToRelay`, with every
 * other user relay-only as a patient is), `log` (numbering into a resume log of `KeptSignals`,
 * expired after 30 s), or both (`checks,log`), and relays what they return.
 * `FLOOR_BALLAST_MIB` (default 0) keeps that many MiB of small live objects in the old
 * generation, for a heap the size of the service's.
 */
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { listenForParent } from './ipc.js';
import type { SignalKind } from '../../src/signaling/signal.js';
import { payloadToRelay } from '../../src/signaling/relay-privacy.js';
import { KeptSignals } from '../../src/signaling/kept-signals.js';
import { RateLimiter } from '../../src/services/rate-limiter.js';

interface Member {
  socket: WebSocket;
  user: string;
  subscription: string;
  seq: number;
}

interface Frame {
  id?: string;
  type?: string;
  payload?: { query?: string; variables?: { callId?: string; input?: { callId: string; kind: string; payload: string } } };
}

interface Sent {
  from: WebSocket;
  user: string;
  /** Whether the sender is treated as a relay-only patient (every other user, with FLOOR_FEATURES). */
  relayOnly: boolean;
  input: { callId: string; kind: string; payload: string };
}

interface Room {
  members: Member[];
  /** Signals sent while no one else had joined, delivered when someone does (the probes at start). */
  waiting: Sent[];
}

const rooms = new Map<string, Room>();

const BURN_MS = Number(process.env.FLOOR_BURN_US ?? 0) / 1000;

/** Spins for BURN_MS. */
function burn(): void {
  const until = performance.now() + BURN_MS;
  while (performance.now() < until);
}

const GARBAGE_KIB = Number(process.env.FLOOR_GARBAGE_KIB ?? 0);
/** Where the garbage goes, so that it is made and not optimized away. */
let lastGarbage: unknown;

/** Allocates about GARBAGE_KIB KiB in objects of some 100 bytes, dead at once. */
function makeGarbage(): void {
  for (let i = 0; i < GARBAGE_KIB * 10; i++) lastGarbage = { n: i, text: String(i), list: [i, i + 1, i + 2] };
}

const FEATURES = new Set((process.env.FLOOR_FEATURES ?? '').split(',').filter(Boolean));
for (const feature of FEATURES) if (feature !== 'checks' && feature !== 'log') throw new Error(`FLOOR_FEATURES: checks and log, not ${feature}`);
const limiter = new RateLimiter(1_000_000, 1_000_000, 'signals');
const RETENTION_MS = 30_000;
/** Resume logs by recipient subscription, as the service keeps one per inbox. */
const logs = new WeakMap<Member, KeptSignals>();

/** The service's checks of one signal (see FLOOR_FEATURES): the payload to relay, or throws. */
function checked(sender: string, relayOnly: boolean, input: Sent['input']): string {
  limiter.take(sender);
  const verdict = payloadToRelay(input.kind as SignalKind, input.payload, relayOnly);
  if ('problem' in verdict) throw new Error(verdict.problem);
  return verdict.payload;
}

const BALLAST_MIB = Number(process.env.FLOOR_BALLAST_MIB ?? 0);
/** Live objects of about 100 bytes each, linked in small groups like a real heap's. */
const ballast: unknown[] = [];
for (let i = 0; i < (BALLAST_MIB * 1024 * 1024) / 100; i++) ballast.push({ n: i, name: `object ${i}`, next: ballast[i - 1] ?? null });

/** The one numbering of every inbox here: what the service's clients select besides seq, as docs/SIGNALING.md asks. */
const EPOCH = String(Date.now());

/** Sends `sent` to `to` as the `next` of its `signals` subscription; returns its seq there. */
function deliver(to: Member, sent: Sent): number {
  if (BURN_MS > 0) burn();
  if (GARBAGE_KIB > 0) makeGarbage();
  let payload = sent.input.payload;
  let seq = ++to.seq;
  if (FEATURES.has('checks')) payload = checked(sent.user, sent.relayOnly, sent.input);
  if (FEATURES.has('log')) {
    let log = logs.get(to);
    if (!log) logs.set(to, (log = new KeptSignals()));
    const at = Date.now();
    log.expire(at - RETENTION_MS);
    seq = log.append(at, sent.user, sent.input.kind as SignalKind, payload);
  }
  const signals = { seq, epoch: EPOCH, callId: sent.input.callId, fromParticipantId: sent.user, kind: sent.input.kind, payload, sentAt: new Date().toISOString() };
  to.socket.send(JSON.stringify({ id: to.subscription, type: 'next', payload: { data: { signals } } }));
  return seq;
}

const httpServer = http.createServer();
const wss = new WebSocketServer({ server: httpServer, maxPayload: 256 * 1024 });
let users = 0;

wss.on('connection', (socket) => {
  const user = `user-${++users}`;
  const relayOnly = users % 2 === 0;
  const joined: { callId: string; member: Member }[] = [];
  const completed = new Set<string>();
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    if (frame.type === 'connection_init') return socket.send('{"type":"connection_ack"}');
    if (frame.type === 'complete') return void completed.add(frame.id!);
    if (frame.type !== 'subscribe' || !frame.id || !frame.payload?.query) return;
    const id = frame.id;
    const variables = frame.payload.variables ?? {};
    if (frame.payload.query.includes('signals(')) {
      const callId = variables.callId!;
      const member = { socket, user, subscription: id, seq: 0 };
      const room = rooms.get(callId) ?? { members: [], waiting: [] };
      rooms.set(callId, room);
      room.members.push(member);
      joined.push({ callId, member });
      for (const sent of room.waiting.filter((w) => w.from !== socket)) deliver(member, sent);
      room.waiting = room.waiting.filter((w) => w.from === socket);
      return;
    }
    const sent = { from: socket, user, relayOnly, input: variables.input! };
    const room = rooms.get(sent.input.callId) ?? { members: [], waiting: [] };
    rooms.set(sent.input.callId, room);
    const to = room.members.find((m) => m.socket !== socket);
    if (!to) room.waiting.push(sent);
    const seq = to ? deliver(to, sent) : 0;
    // A `complete` in the same write has been read by the time microtasks run.
    queueMicrotask(() => {
      if (completed.delete(id)) return;
      socket.send(JSON.stringify({ id, type: 'next', payload: { data: { sendSignal: { seq, toParticipantId: to?.user ?? null } } } }));
      socket.send(JSON.stringify({ id, type: 'complete' }));
    });
  });
  socket.on('close', () => {
    for (const { callId, member } of joined) {
      const room = rooms.get(callId);
      if (!room) continue;
      room.members = room.members.filter((m) => m !== member);
      if (room.members.length === 0) rooms.delete(callId);
    }
  });
});

listenForParent(httpServer, wss);
