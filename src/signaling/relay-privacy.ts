import { SignalKind, type CandidateInit } from './signal.js';

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

/** The candidate attribute with its related address blanked, or null when it is not a relay candidate. */
function relayLine(candidate: string): string | null {
  const fields = candidate.trim().split(/\s+/);
  const typ = fields.indexOf('typ');
  if (typ < 0 || fields[typ + 1] !== 'relay') return null;
  for (const [name, blank] of [['raddr', '0.0.0.0'], ['rport', '0']] as const) {
    const at = fields.indexOf(name, typ + 2);
    if (at > 0 && at + 1 < fields.length) fields[at + 1] = blank;
  }
  return fields.join(' ');
}
