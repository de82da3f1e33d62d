/**
 * The two frames of a signal, read as the clients of docs/SIGNALING.md write them, without
 * JSON.parse: the `subscribe` of a `sendSignal` and the `complete` that may follow it. Each reader
 * takes only frames in exactly that form and gives what JSON.parse would give of them; for any
 * other frame it returns undefined and the frame is parsed as usual. Pure: no I/O.
 */

import { SignalKind } from '../signaling/signal.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether `data` holds `literal` at `at`. */
export function holds(data: Uint8Array, at: number, literal: Uint8Array): boolean {
  if (at < 0 || at + literal.length > data.length) return false;
  for (let i = 0; i < literal.length; i++) if (data[at + i] !== literal[i]) return false;
  return true;
}

/**
 * Where the plain JSON string whose text starts at `at` ends (the index of its closing quote),
 * or -1: plain text is printable ASCII with no quote and no backslash, so it reads as it is.
 */
function plainEnd(data: Uint8Array, at: number): number {
  for (let i = at; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === QUOTE) return i;
    if (byte < 0x20 || byte > 0x7e || byte === BACKSLASH) return -1;
  }
  return -1;
}

/** The characters that may follow a backslash in a JSON string (`u` then takes four hex digits). */
const ESCAPES = new Uint8Array(128);
for (const c of '"\\/bfnrt') ESCAPES[c.charCodeAt(0)] = 1;
const U = 0x75;
const isHex = (byte: number | undefined) => byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66));

/**
 * Where the JSON string literal opening at `at` (its opening quote) ends (the index just after
 * its closing quote), or -1 when there is none there: an escape JSON does not have, or a raw
 * control character, ends it. (The bytes are UTF-8 already checked by the socket, or read as
 * graphql-ws reads a binary frame.)
 */
function literalEnd(data: Uint8Array, at: number): number {
  if (data[at] !== QUOTE) return -1;
  for (let i = at + 1; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === QUOTE) return i + 1;
    if (byte < 0x20) return -1;
    if (byte !== BACKSLASH) continue;
    const escaped = data[++i];
    if (escaped === U) {
      if (!isHex(data[i + 1]) || !isHex(data[i + 2]) || !isHex(data[i + 3]) || !isHex(data[i + 4])) return -1;
      i += 4;
    } else if (escaped === undefined || escaped >= 128 || !ESCAPES[escaped]) return -1;
  }
  return -1;
}

/**
 * Buffer's own decoders, which `toString(encoding, start, end)` calls after checking its
 * arguments; the readers here have checked the bounds already.
 */
type Slices = { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };
const latin1 = (data: Buffer, start: number, end: number) => (data as unknown as Slices).latin1Slice(start, end);
const utf8 = (data: Buffer, start: number, end: number) => (data as unknown as Slices).utf8Slice(start, end);

const COMPLETE_HEAD = bytes('{"id":"');
const COMPLETE_TAIL = bytes('","type":"complete"}');
/** Longest id read without parsing; longer ones are parsed, as they are rare. */
const MAX_PLAIN_ID = 128;

/**
 * The id of a `complete` frame written as graphql-ws's client writes it (`{"id":"…","type":"complete"}`,
 * the id plain text up to 128 characters), else undefined. An unacknowledged send is two frames,
 * and this is the second of them.
 */
export function completeFrameId(data: Buffer): string | undefined {
  const end = data.length - COMPLETE_TAIL.length;
  const start = COMPLETE_HEAD.length;
  if (end <= start || end > start + MAX_PLAIN_ID || !holds(data, 0, COMPLETE_HEAD) || !holds(data, end, COMPLETE_TAIL)) return undefined;
  return plainEnd(data, start) === end ? latin1(data, start, end) : undefined;
}

const KINDS = Object.values(SignalKind).map((kind) => ({ kind, bytes: bytes(kind) }));

/**
 * The kind whose text lies at [start, end): the `SignalKind` value itself when it is one (the
 * same string every time, so what compares and looks it up later does so at once), else a new string.
 */
function kindAt(data: Buffer, start: number, end: number): string {
  for (const known of KINDS) if (known.bytes.length === end - start && holds(data, start, known.bytes)) return known.kind;
  return latin1(data, start, end);
}

/** A `sendSignal` subscribe frame as {@link readSendFrame} read it. */
export interface SendFrame {
  id: string;
  /** Where the query's JSON string literal lies in the frame: [queryStart, queryEnd), quotes included. */
  queryStart: number;
  queryEnd: number;
  /** The payload's `operationName`: absent (undefined), null, or a plain string. */
  operationName?: string | null;
  /** The name of the one variable, and its value: the signal's input. */
  variable: string;
  input: { callId: string; toParticipantId?: string | null; kind: string; payload: string };
  /**
   * The payload's JSON string literal as the frame holds it, quotes included: JSON.parse read it
   * as exactly one string, `input.payload`, so it is valid JSON for that string wherever JSON is written.
   */
  payloadJson: string;
}

const SUBSCRIBE_HEAD = COMPLETE_HEAD;
const SUBSCRIBE_QUERY = bytes('","type":"subscribe","payload":{"query":');
const OPERATION_NAME = bytes(',"operationName":');
const NULL = bytes('null');
const VARIABLES = bytes(',"variables":{"');
const CALL_ID = bytes('":{"callId":"');
const TO = bytes(',"toParticipantId":');
const KIND = bytes(',"kind":"');
const PAYLOAD = bytes(',"payload":');
const SUBSCRIBE_TAIL = bytes('}}}}');

/** A plain string or null at `at`: its value and the index after it, or undefined. */
function plainOrNull(data: Buffer, at: number): { value: string | null; next: number } | undefined {
  if (holds(data, at, NULL)) return { value: null, next: at + NULL.length };
  if (data[at] !== QUOTE) return undefined;
  const end = plainEnd(data, at + 1);
  return end < 0 ? undefined : { value: latin1(data, at + 1, end), next: end + 1 };
}

/**
 * A `subscribe` frame with one variable holding a signal's input, in the form graphql-ws's client
 * writes `client.subscribe({ query, variables: { input } })` for an input built in the order of
 * `SendSignalInput` (docs/SIGNALING.md section 5):
 *
 *   {"id":ID,"type":"subscribe","payload":{"query":Q[,"operationName":N],"variables":{V:{"callId":C[,"toParticipantId":T],"kind":K,"payload":P}}}}
 *
 * where ID, V, C and K are plain strings (ID and V not empty), N and T plain strings or null, Q
 * any JSON string (found, not decoded: the caller knows its queries by their bytes), and P any
 * JSON string, parsed. Anything else is undefined, and so the frame is parsed as usual: what
 * this reads, JSON.parse reads the same. Nothing is checked against the schema here: the caller
 * does that, as for a parsed frame.
 */
export function readSendFrame(data: Buffer): SendFrame | undefined {
  if (!holds(data, 0, SUBSCRIBE_HEAD)) return undefined;
  const idEnd = plainEnd(data, SUBSCRIBE_HEAD.length);
  if (idEnd <= SUBSCRIBE_HEAD.length || idEnd > SUBSCRIBE_HEAD.length + MAX_PLAIN_ID || !holds(data, idEnd, SUBSCRIBE_QUERY)) return undefined;
  const queryStart = idEnd + SUBSCRIBE_QUERY.length;
  const queryEnd = literalEnd(data, queryStart);
  if (queryEnd < 0) return undefined;
  let at = queryEnd;
  let operationName: string | null | undefined;
  if (holds(data, at, OPERATION_NAME)) {
    const name = plainOrNull(data, at + OPERATION_NAME.length);
    if (!name) return undefined;
    operationName = name.value;
    at = name.next;
  }
  if (!holds(data, at, VARIABLES)) return undefined;
  at += VARIABLES.length;
  const variableEnd = plainEnd(data, at);
  if (variableEnd <= at || !holds(data, variableEnd, CALL_ID)) return undefined;
  const variable = latin1(data, at, variableEnd);
  at = variableEnd + CALL_ID.length;
  const callIdEnd = plainEnd(data, at);
  if (callIdEnd < 0) return undefined;
  const callId = latin1(data, at, callIdEnd);
  at = callIdEnd + 1;
  let toParticipantId: string | null | undefined;
  if (holds(data, at, TO)) {
    const to = plainOrNull(data, at + TO.length);
    if (!to) return undefined;
    toParticipantId = to.value;
    at = to.next;
  }
  if (!holds(data, at, KIND)) return undefined;
  at += KIND.length;
  const kindEnd = plainEnd(data, at);
  if (kindEnd < 0 || !holds(data, kindEnd + 1, PAYLOAD)) return undefined;
  const kind = kindAt(data, at, kindEnd);
  const payloadStart = kindEnd + 1 + PAYLOAD.length;
  const payloadEnd = data.length - SUBSCRIBE_TAIL.length;
  // The payload's literal runs to the tail; one that ends sooner leaves text after it, and JSON.parse refuses that.
  if (!holds(data, payloadEnd, SUBSCRIBE_TAIL) || data[payloadStart] !== QUOTE || data[payloadEnd - 1] !== QUOTE || payloadEnd - payloadStart < 2) return undefined;
  const payloadJson = utf8(data, payloadStart, payloadEnd);
  let payload: unknown;
  try {
    payload = JSON.parse(payloadJson);
  } catch {
    return undefined;
  }
  if (typeof payload !== 'string') return undefined;
  const input: SendFrame['input'] = toParticipantId === undefined ? { callId, kind, payload } : { callId, toParticipantId, kind, payload };
  return { id: latin1(data, SUBSCRIBE_HEAD.length, idEnd), queryStart, queryEnd, operationName, variable, input, payloadJson };
}
