/**
 * The signaling message kinds and their payload rules, as written in docs/SIGNALING.md section 3.
 * Pure: no I/O, no GraphQL.
 */
export enum SignalKind {
  OFFER = 'OFFER',
  ANSWER = 'ANSWER',
  ICE_CANDIDATE = 'ICE_CANDIDATE',
  END_OF_CANDIDATES = 'END_OF_CANDIDATES',
  RENEGOTIATE = 'RENEGOTIATE',
  ICE_RESTART = 'ICE_RESTART',
}

export const KiB = 1024;

/** Largest payload of each kind, in bytes of UTF-8. */
export const payloadLimits: Record<SignalKind, number> = {
  OFFER: 64 * KiB,
  ANSWER: 64 * KiB,
  ICE_RESTART: 64 * KiB,
  ICE_CANDIDATE: 2 * KiB,
  END_OF_CANDIDATES: 2 * KiB,
  RENEGOTIATE: 256,
};

/** A signal as the server delivers it: stamped with the sender and its place in the recipient's inbox. */
export interface SignalEnvelope {
  /** Position in the recipient's inbox for this call: 1, 2, 3... */
  seq: number;
  callId: string;
  /** The sender's user id, from their token. */
  from: string;
  to: string;
  /** A message kind, or `RESYNC` when signals before `seq + 1` were no longer kept. */
  kind: SignalKind | 'RESYNC';
  payload: string;
  /** Epoch milliseconds when the server accepted it. */
  at: number;
  /**
   * Which numbering of the inbox `seq` belongs to: set when the inbox's numbering starts (from the
   * clock, in ms, and above any earlier one), the same for every entry after. A new one means the
   * server lost the inbox and numbered it from 1 again.
   */
  epoch: number;
}

/** A signal as a log takes it, before it is numbered into an inbox. */
export type UnnumberedSignal = Omit<SignalEnvelope, 'seq' | 'at' | 'epoch'>;

/**
 * 0 when `text` surely fits in `bytes` bytes of UTF-8 (a UTF-16 code unit is at most 3 bytes, so
 * short text needs no counting), else its exact UTF-8 length.
 */
export function utf8SizeBeyond(text: string, bytes: number): number {
  return text.length * 3 <= bytes ? 0 : Buffer.byteLength(text, 'utf8');
}

/** The fields of an ICE_CANDIDATE payload (an RTCIceCandidateInit) the server reads. */
export interface CandidateInit {
  candidate: string;
  sdpMid?: unknown;
  sdpMLineIndex?: unknown;
  usernameFragment?: unknown;
}

/**
 * What {@link checkPayload} found in an acceptable payload: for an ICE_CANDIDATE, either where its
 * candidate string ends when it is in the form browsers write (`plainEnd`, see
 * {@link plainCandidateEnd}; it was not parsed) or the parsed candidate; for other kinds neither.
 * Nothing after the check parses the payload again.
 */
export interface CheckedPayload {
  candidate: CandidateInit | null;
  /** The index of the candidate string's closing quote in a plain candidate payload, else -1. */
  plainEnd: number;
}

/** The answer for every acceptable payload that is not a candidate: one object, nothing allocated per signal. */
const NOTHING_PARSED: CheckedPayload = Object.freeze({ candidate: null, plainEnd: -1 });

/**
 * The one check of a signal's payload against its kind (docs/SIGNALING.md section 3): the problem
 * when it is not acceptable (never echoing the payload), else what the check learnt of it
 * ({@link CheckedPayload}). A candidate in the form browsers write is recognised as valid without
 * being parsed; any other is parsed ({@link checkParsedPayload}), with the same verdict.
 */
export function checkPayload(kind: SignalKind, payload: string): { problem: string } | CheckedPayload {
  if (kind === SignalKind.ICE_CANDIDATE && payload.length <= payloadLimits.ICE_CANDIDATE) {
    // That form is printable ASCII only, so its length is its size in bytes.
    const plainEnd = plainCandidateEnd(payload);
    if (plainEnd > 0) return { candidate: null, plainEnd };
  }
  return checkParsedPayload(kind, payload);
}

/**
 * {@link checkPayload} by its general path, parsing a candidate whatever its form. Exported so
 * tests can hold the form read without parsing to what parsing decides.
 */
export function checkParsedPayload(kind: SignalKind, payload: string): { problem: string } | CheckedPayload {
  const limit = payloadLimits[kind];
  const size = utf8SizeBeyond(payload, limit);
  if (size > limit) return { problem: `a ${kind} payload may be at most ${limit} bytes, got ${size}` };
  switch (kind) {
    case SignalKind.OFFER:
    case SignalKind.ANSWER:
    case SignalKind.ICE_RESTART:
      return payload.startsWith('v=0') ? NOTHING_PARSED : { problem: `a ${kind} payload must be an SDP description starting with "v=0"` };
    case SignalKind.ICE_CANDIDATE:
      return parseCandidate(payload);
    case SignalKind.END_OF_CANDIDATES:
      if (payload === '' || isJsonObject(payload)) return NOTHING_PARSED;
      return { problem: 'an END_OF_CANDIDATES payload must be empty or a JSON object' };
    case SignalKind.RENEGOTIATE:
      return NOTHING_PARSED;
  }
}

/** How a candidate payload in the form browsers write it begins (see {@link plainCandidateEnd}). */
export const PLAIN_CANDIDATE_HEAD = '{"candidate":"';

/** The characters of JSON string text in that form, printable ASCII with nothing escaped (no quote, no backslash), but the space. */
const PLAIN_CHARS = '\\x21\\x23-\\x5b\\x5d-\\x7e';
const PLAIN_WORD = `[${PLAIN_CHARS}]`;
/** The text of a JSON string in that form: such characters and spaces. */
const PLAIN_TEXT = `[\\x20${PLAIN_CHARS}]*`;

/**
 * That form: the candidate first, its fields one space apart, then any of sdpMid, sdpMLineIndex
 * and usernameFragment in the order browsers write them, each a string, an integer as
 * JSON.stringify writes it, or null. No part can match two ways, so it runs in one pass.
 */
const PLAIN_CANDIDATE = new RegExp(
  `^\\{"candidate":"candidate:${PLAIN_WORD}*(?: ${PLAIN_WORD}+)*"(?:,"sdpMid":(?:"${PLAIN_TEXT}"|null))?(?:,"sdpMLineIndex":(?:0|[1-9]\\d{0,8}|null))?(?:,"usernameFragment":(?:"${PLAIN_TEXT}"|null))?\\}$`,
);

/**
 * Where the candidate string of an ICE_CANDIDATE payload ends (the index of its closing quote),
 * when the payload is an RTCIceCandidateInit written the way browsers write it (its candidate
 * string's fields one space apart, with none before or after them),
 * `JSON.stringify(candidate.toJSON())`: see {@link PLAIN_CANDIDATE}. Such a payload passes
 * {@link checkParsedPayload}, and JSON.stringify of what JSON.parse makes of it gives it back
 * unchanged, so the check and the relay read it without parsing. -1 for anything else, which is
 * parsed.
 */
export function plainCandidateEnd(payload: string): number {
  // The first quote after the head closes the candidate: its text has none.
  return PLAIN_CANDIDATE.test(payload) ? payload.indexOf('"', PLAIN_CANDIDATE_HEAD.length) : -1;
}

function parseCandidate(payload: string): { problem: string } | CheckedPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return { problem: 'an ICE_CANDIDATE payload must be the JSON of an RTCIceCandidateInit' };
  }
  const candidate = (parsed as { candidate?: unknown } | null)?.candidate;
  if (typeof candidate !== 'string' || !candidate.startsWith('candidate:')) {
    return { problem: 'an ICE_CANDIDATE payload must have a "candidate" string starting with "candidate:"' };
  }
  return { candidate: parsed as CandidateInit, plainEnd: -1 };
}

function isJsonObject(payload: string): boolean {
  try {
    const parsed = JSON.parse(payload);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}
