import { checkPayload, SignalKind, type CandidateInit } from './signal.js';

/**
 * The payload to relay for a signal of `kind`, after its checks (signal.ts) and, for a sender who
 * must use TURN only, the relay-only rewrite below; or the problem, when either refuses it.
 * Pure: what the relay runs on every signal, in the order it runs it.
 */
export function payloadToRelay(kind: SignalKind, payload: string, relayOnly: boolean): { payload: string } | { problem: string } {
  const checked = checkPayload(kind, payload);
  if ('problem' in checked) return checked;
  return relayOnly ? keepRelayOnly(kind, payload, checked.candidate) : { payload };
}

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
    if (candidate === null) return { problem: 'only relay candidates may be sent by a participant who must use TURN' };
    // Rebuilt from the RTCIceCandidateInit fields only: nothing else the client put there travels.
    const { sdpMid, sdpMLineIndex, usernameFragment } = init;
    return { payload: JSON.stringify({ candidate, sdpMid, sdpMLineIndex, usernameFragment }) };
  }
  if (kind === SignalKind.OFFER || kind === SignalKind.ANSWER || kind === SignalKind.ICE_RESTART) {
    const eol = payload.includes('\r\n') ? '\r\n' : '\n';
    const lines = payload.split(eol).flatMap((line) => {
      if (line.startsWith('a=candidate:')) {
        const kept = relayLine(line.slice(2));
        return kept === null ? [] : [`a=${kept}`];
      }
      // Connection data and the origin line can carry the sender's own address too: blank them.
      if (/^c=IN IP[46] /.test(line)) return [line.replace(/^c=IN IP([46]) \S+/, (_m, v) => `c=IN IP${v} ${v === '6' ? '::' : '0.0.0.0'}`)];
      if (line.startsWith('a=rtcp:')) return [line.replace(/ IN IP([46]) \S+/, (_m, v) => ` IN IP${v} ${v === '6' ? '::' : '0.0.0.0'}`)];
      if (line.startsWith('o=')) return [line.replace(/ IN IP([46]) \S+$/, (_m, v) => ` IN IP${v} ${v === '6' ? '::1' : '127.0.0.1'}`)];
      return [line];
    });
    return { payload: lines.join(eol) };
  }
  return { payload };
}

/**
 * The candidate attribute with its related address blanked, or null when it is not a relay
 * candidate. Fields are read as split by any whitespace and written back joined by single spaces.
 * A line that is already single-spaced (what browsers write) is rewritten in place, without
 * splitting it: this runs for every candidate a relay-only patient trickles.
 */
export function relayLine(candidate: string): string | null {
  if (OTHER_SPACING.test(candidate)) return relayLineOfFields(candidate);
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
