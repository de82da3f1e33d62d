import { checkPayload, PLAIN_CANDIDATE_HEAD, SignalKind, type CandidateInit } from './signal.js';

/**
 * The payload to relay for a signal of `kind`, after its check ({@link checkPayload}) and, for a
 * sender who must use TURN only, the relay-only rewrite below; or the problem, when either refuses
 * it. Pure: what the relay runs on every signal, in the order it runs it. A candidate in the form
 * browsers write (`plainCandidateEnd` in signal.ts) is checked and rewritten without being parsed.
 */
export function payloadToRelay(kind: SignalKind, payload: string, relayOnly: boolean): { payload: string } | { problem: string } {
  const checked = checkPayload(kind, payload);
  if ('problem' in checked) return checked;
  if (!relayOnly) return { payload };
  return checked.plainEnd > 0 ? plainCandidateToRelay(payload, checked.plainEnd) : keepRelayOnly(kind, payload, checked.candidate);
}

const NOT_RELAY = 'only relay candidates may be sent by a participant who must use TURN';

/**
 * For a sender who must use TURN only (docs/SIGNALING.md section 7): their signals may carry
 * relay candidates only, and a relay candidate's related address (`raddr`/`rport`, the address
 * the TURN server saw: the sender's own public address) is blanked to 0.0.0.0 0, in trickled
 * candidates and in SDP alike. Returns the payload to relay, or a problem when it offers a
 * non-relay candidate. Pure: no I/O. `parsed` is the candidate's payload already parsed, if it was.
 */
export function keepRelayOnly(kind: SignalKind, payload: string, parsed?: CandidateInit | null): { payload: string } | { problem: string } {
  if (kind === SignalKind.ICE_CANDIDATE) {
    const init = parsed ?? (JSON.parse(payload) as CandidateInit);
    const candidate = relayLine(init.candidate);
    if (candidate === null) return { problem: NOT_RELAY };
    // Rebuilt from the RTCIceCandidateInit fields only: nothing else the client put there travels.
    const { sdpMid, sdpMLineIndex, usernameFragment } = init;
    return { payload: JSON.stringify({ candidate, sdpMid, sdpMLineIndex, usernameFragment }) };
  }
  if (kind === SignalKind.OFFER || kind === SignalKind.ANSWER || kind === SignalKind.ICE_RESTART) return { payload: sdpToRelay(payload) };
  return { payload };
}

/**
 * {@link keepRelayOnly} of a candidate in the form browsers write, whose candidate string ends at
 * `end`: the same text JSON.stringify would give (that form holds only the fields kept, already
 * written as JSON.stringify writes them), built without parsing.
 */
function plainCandidateToRelay(payload: string, end: number): { payload: string } | { problem: string } {
  const candidate = singleSpacedRelayLine(payload.slice(PLAIN_CANDIDATE_HEAD.length, end));
  if (candidate === null) return { problem: NOT_RELAY };
  return { payload: `${PLAIN_CANDIDATE_HEAD}${candidate}${payload.slice(end)}` };
}

/**
 * An SDP description with {@link sdpLineToRelay} applied to each line (lines end in CRLF when the
 * description has any, else LF), the lines it drops left out. Only the few lines that can carry an
 * address are looked at apart; the runs of lines between them are copied whole.
 */
export function sdpToRelay(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  let out = '';
  /** Where the lines not yet copied to `out`, all kept as they are, begin. */
  let copied = 0;
  for (let start = 0; ;) {
    const next = sdp.indexOf(eol, start);
    const end = next < 0 ? sdp.length : next;
    if (mayCarryAddress(sdp, start)) {
      const line = sdpLineToRelay(sdp.slice(start, end));
      out += sdp.slice(copied, start);
      if (line !== null) out += next < 0 ? line : line + eol;
      // The last line dropped: the separator before it goes too (`out` ends in one when it holds a line).
      else if (next < 0 && out.length > 0) out = out.slice(0, -eol.length);
      copied = next < 0 ? sdp.length : next + eol.length;
    }
    if (next < 0) break;
    start = next + eol.length;
  }
  return copied === 0 ? sdp : out + sdp.slice(copied);
}

/** Whether the SDP line at `at` is one {@link sdpLineToRelay} may change. */
function mayCarryAddress(sdp: string, at: number): boolean {
  return sdp.startsWith('a=candidate:', at) || sdp.startsWith('c=IN IP', at) || sdp.startsWith('a=rtcp:', at) || sdp.startsWith('o=', at);
}

/** One SDP line as a relay-only sender's description carries it, or null when it is a candidate that is not a relay. */
export function sdpLineToRelay(line: string): string | null {
  if (line.startsWith('a=candidate:')) {
    const kept = relayLine(line.slice(2));
    return kept === null ? null : `a=${kept}`;
  }
  // Connection data and the origin line can carry the sender's own address too: blank them.
  if (line.startsWith('c=IN IP')) return addressBlanked(line, 'c=IN IP'.length - ' IN IP'.length, 'here');
  if (line.startsWith('a=rtcp:')) return addressBlanked(line, line.indexOf(' IN IP'), 'any');
  if (line.startsWith('o=')) return addressBlanked(line, line.lastIndexOf(' IN IP'), 'last');
  return line;
}

/** The address put in place of a relay-only sender's own, by IP version: c= and a=rtcp lines. */
const UNSPECIFIED = { '4': '0.0.0.0', '6': '::' } as const;
/** The same for the origin line (o=), whose address must be a unicast one. */
const LOOPBACK = { '4': '127.0.0.1', '6': '::1' } as const;

/** An address: a run of non-whitespace, read where `lastIndex` is put (sticky, so nothing is searched for). */
const ADDRESS = /\S+/y;

/**
 * `line` with the address of its ` IN IP4 ` or ` IN IP6 ` at `at` (the index of that space)
 * blanked: the run of non-whitespace after it. `here`: the one at `at` only (the connection line,
 * `c=IN IP4 <address>`); `any`: the first such address from `at` on (a=rtcp lines); `last`: the
 * one at `at` only, and only if it ends the line (the origin line, whose address is its last field,
 * `at` being the last ` IN IP` of the line). A line with none is returned as it is. Written with indexes
 * and a sticky match, not a regular expression replaced through a function, which V8 runs in its
 * runtime: this runs on every description a relay-only patient sends.
 */
function addressBlanked(line: string, at: number, which: 'here' | 'any' | 'last'): string {
  for (; at >= 0; at = which === 'any' ? line.indexOf(' IN IP', at + 1) : -1) {
    const version = line[at + 6];
    const start = at + 8;
    if ((version !== '4' && version !== '6') || line.charCodeAt(at + 7) !== 0x20) continue;
    ADDRESS.lastIndex = start;
    if (!ADDRESS.test(line)) continue;
    const end = ADDRESS.lastIndex;
    if (which === 'last' && end < line.length) return line;
    return `${line.slice(0, start)}${(which === 'last' ? LOOPBACK : UNSPECIFIED)[version]}${line.slice(end)}`;
  }
  return line;
}

/**
 * The candidate attribute with its related address blanked, or null when it is not a relay
 * candidate. Fields are read as split by any whitespace and written back joined by single spaces.
 * A line that is already single-spaced (what browsers write) is rewritten in place, without
 * splitting it: this runs for every candidate a relay-only patient trickles.
 */
export function relayLine(candidate: string): string | null {
  return OTHER_SPACING.test(candidate) ? relayLineOfFields(candidate) : singleSpacedRelayLine(candidate);
}

/** {@link relayLine} of a candidate whose fields are one space apart, with none before or after them. */
function singleSpacedRelayLine(candidate: string): string | null {
  // Single spaces only: " typ " finds the first field "typ" that has a field after it (a "typ"
  // that is the last field has no type after it: no relay either).
  let value = 4;
  if (!candidate.startsWith('typ ')) {
    const typ = candidate.indexOf(' typ ');
    if (typ < 0) return null;
    value = typ + 5;
  }
  const afterValue = value + 5;
  if (!candidate.startsWith('relay', value) || (afterValue < candidate.length && candidate[afterValue] !== ' ')) return null;
  let line = blankAfter(candidate, ' raddr ', afterValue, '0.0.0.0');
  line = blankAfter(line, ' rport ', afterValue, '0');
  return line;
}

/** Any whitespace but a single space between fields: such a line is split into fields instead. */
const OTHER_SPACING = /^\s|\s$|\s\s|[^\S ]/;

/** `line` with the field after the first `marker` (" name ") at or after `from` replaced by `blank`. */
function blankAfter(line: string, marker: string, from: number, blank: string): string {
  const at = line.indexOf(marker, from);
  if (at < 0) return line;
  const start = at + marker.length;
  const space = line.indexOf(' ', start);
  return `${line.slice(0, start)}${blank}${space < 0 ? '' : line.slice(space)}`;
}

/** {@link relayLine} for any spacing: the fields split apart, the related address blanked, joined again. */
export function relayLineOfFields(candidate: string): string | null {
  const fields = candidate.trim().split(/\s+/);
  const typ = fields.indexOf('typ');
  if (typ < 0 || fields[typ + 1] !== 'relay') return null;
  for (const [name, blank] of [['raddr', '0.0.0.0'], ['rport', '0']] as const) {
    const at = fields.indexOf(name, typ + 2);
    if (at > 0 && at + 1 < fields.length) fields[at + 1] = blank;
  }
  return fields.join(' ');
}
