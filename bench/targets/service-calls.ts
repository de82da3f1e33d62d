import { SignJWT } from 'jose';
import { GqlSocket, type GraphQLResult } from '../lib/gql-socket.js';
import { candidatePayload, marker } from '../lib/payloads.js';
import { firstHit, type CallLink } from './target.js';

/** The HS256 secret the bench starts the service with (test-only, like test/helpers/app.ts's). */
export const BENCH_JWT_SECRET = 'bench-secret-that-is-at-least-32-bytes-long!';

const INITIATE = 'mutation InitiateCall($input: InitiateCallInput!) { initiateCall(input: $input) { id status } }';
const ANSWER = 'mutation AnswerCall($callId: ID!) { answerCall(callId: $callId) { id status } }';
const JOIN = 'mutation JoinCall($callId: ID!) { joinCall(callId: $callId) { polite } }';
// The same documents as test/operations/signaling.graphql, as a client sends them.
export const SIGNALS = 'subscription Signals($callId: ID!, $afterSeq: Int, $epoch: String) {\n  signals(callId: $callId, afterSeq: $afterSeq, epoch: $epoch) { seq epoch callId fromParticipantId kind payload sentAt }\n}';
export const SEND_SIGNAL = 'mutation SendSignal($input: SendSignalInput!) {\n  sendSignal(input: $input) { seq toParticipantId }\n}';

const secret = new TextEncoder().encode(BENCH_JWT_SECRET);

/** A token for `sub` with the claims the service reads (sub, role, name, exp). */
export function benchToken(sub: string, role: 'provider' | 'patient'): Promise<string> {
  return new SignJWT({ role, name: sub }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('2h').sign(secret);
}

function must(result: GraphQLResult, what: string): Record<string, unknown> {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

export interface PlacedCall {
  callId: string;
  callerId: string;
  calleeId: string;
  /** The caller's socket, then the callee's, each on a device of its own. */
  sockets: [GqlSocket, GqlSocket];
}

/**
 * Call number `n` through the API, as clients do it: provider `bench-provider-<n>` places it
 * (initiateCall), patient `bench-patient-<n>` answers (answerCall), both join (joinCall), each
 * over a graphql-ws socket of its own. The call is ACTIVE with both JOINED when this resolves.
 */
export async function placeCall(wsUrl: string, n: number): Promise<PlacedCall> {
  const callerId = `bench-provider-${n}`;
  const calleeId = `bench-patient-${n}`;
  const connect = async (user: string, role: 'provider' | 'patient') =>
    GqlSocket.connect(wsUrl, { authorization: `Bearer ${await benchToken(user, role)}`, deviceId: `dev-${user}` });
  const caller = await connect(callerId, 'provider');
  const callee = await connect(calleeId, 'patient').catch((error) => (caller.close(), Promise.reject(error)));
  try {
    const placed = must(await caller.request(INITIATE, { input: { type: 'VIDEO', inviteeIds: [calleeId] } }), 'initiateCall');
    const callId = (placed.initiateCall as { id: string }).id;
    must(await callee.request(ANSWER, { callId }), 'answerCall');
    must(await caller.request(JOIN, { callId }), 'joinCall (caller)');
    must(await callee.request(JOIN, { callId }), 'joinCall (callee)');
    return { callId, callerId, calleeId, sockets: [caller, callee] };
  } catch (error) {
    caller.close();
    callee.close();
    throw error;
  }
}

/** Sends one signal over `socket` and waits for its acceptance. */
export async function sendSignal(socket: GqlSocket, callId: string, kind: string, payload: string): Promise<void> {
  must(await socket.request(SEND_SIGNAL, { input: { callId, kind, payload } }), `sendSignal ${kind}`);
}

/**
 * Both sides of a call listening (a `signals` subscription each, every delivered payload to
 * `onDeliver`), proven live by a probe each way, and the link the load sends through: descriptions
 * acknowledged, trickled candidates not, as docs/SIGNALING.md advises (or every signal
 * acknowledged with `acknowledgeAll`).
 */
export async function linkSides(sides: [GqlSocket, GqlSocket], callId: string, onDeliver: (payload: string) => void, acknowledgeAll: boolean): Promise<CallLink> {
  const probes = sides.map((socket, i) => {
    const probe = firstHit(`the probe on call ${callId}, side ${i}`);
    socket.subscribe(SIGNALS, { callId, afterSeq: 0 }, (result) => {
      const signal = (result.data as { signals?: { payload: string } } | null | undefined)?.signals;
      if (!signal) return console.error(`signals of call ${callId} returned ${JSON.stringify(result.errors)}`);
      probe.hit();
      onDeliver(signal.payload);
    }, (why) => console.error(`signals of call ${callId} ended: ${why}`));
    return probe;
  });
  // A signal sent before the recipient's subscription is live still arrives (it is in the
  // inbox and replayed after afterSeq 0), so receiving the probe proves the subscription.
  await sendSignal(sides[0], callId, 'ICE_CANDIDATE', candidatePayload(0, marker(0, 0)));
  await sendSignal(sides[1], callId, 'ICE_CANDIDATE', candidatePayload(1, marker(0, 0)));
  await Promise.all(probes.map((p) => p.wait()));
  return {
    send: (side, kind, payload) => kind === 'ICE_CANDIDATE' && !acknowledgeAll
      ? sides[side].fireUnacknowledged(SEND_SIGNAL, { input: { callId, kind, payload } })
      : sides[side].fire(SEND_SIGNAL, { input: { callId, kind, payload } }),
  };
}

/** Sends fired on `sockets` that the server refused, and the first refusal. */
export function firedErrors(sockets: GqlSocket[]): { count: number; first?: string } {
  let count = 0;
  let first: string | undefined;
  for (const socket of sockets) {
    count += socket.firedErrors;
    first ??= socket.firstFiredError;
  }
  return { count, first };
}
