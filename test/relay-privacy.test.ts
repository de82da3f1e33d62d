import { describe, expect, it } from 'vitest';
import { keepRelayOnly, relayLine, relayLineOfFields } from '../src/signaling/relay-privacy.js';
import { SignalKind } from '../src/signaling/signal.js';

// A unit test of a pure module: no I/O to fake.
describe('keeping a relay-only sender to relay candidates', () => {
  const relay = 'candidate:1 1 udp 16777215 203.0.113.7 40000 typ relay raddr 198.51.100.23 rport 51234 generation 0';
  const host = 'candidate:2 1 udp 2130706431 192.168.1.20 50000 typ host generation 0';

  it('blanks the related address of a trickled relay candidate', () => {
    const kept = keepRelayOnly(SignalKind.ICE_CANDIDATE, JSON.stringify({ candidate: relay, sdpMid: '0', sdpMLineIndex: 0 }));
    expect(kept).toEqual({
      payload: JSON.stringify({ candidate: 'candidate:1 1 udp 16777215 203.0.113.7 40000 typ relay raddr 0.0.0.0 rport 0 generation 0', sdpMid: '0', sdpMLineIndex: 0 }),
    });
  });

  it('refuses a trickled host candidate', () => {
    expect(keepRelayOnly(SignalKind.ICE_CANDIDATE, JSON.stringify({ candidate: host }))).toHaveProperty('problem');
  });

  it('drops host candidates from SDP and blanks relay ones, leaving every other line as it was', () => {
    const sdp = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', `a=${host}`, `a=${relay}`, 'a=end-of-candidates', ''].join('\r\n');
    const kept = keepRelayOnly(SignalKind.OFFER, sdp);
    expect('payload' in kept && kept.payload).toBe(
      ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
        'a=candidate:1 1 udp 16777215 203.0.113.7 40000 typ relay raddr 0.0.0.0 rport 0 generation 0', 'a=end-of-candidates', ''].join('\r\n'),
    );
    expect(JSON.stringify(kept)).not.toContain('198.51.100.23');
    expect(JSON.stringify(kept)).not.toContain('192.168.1.20');
  });
});

describe('what else a relay-only sender cannot leak', () => {
  it('drops extra JSON fields, reads fields split by any whitespace, and blanks c=, a=rtcp and o= addresses', () => {
    const sneaky = JSON.stringify({ candidate: 'candidate:1 1 udp 1 203.0.113.7 40000 typ relay  raddr  198.51.100.23 rport 5', sdpMid: '0', relatedAddress: '198.51.100.23' });
    const kept = keepRelayOnly(SignalKind.ICE_CANDIDATE, sneaky);
    expect(JSON.stringify(kept)).not.toContain('198.51.100.23');
    const sdp = ['v=0', 'o=- 1 1 IN IP4 198.51.100.23', 'c=IN IP4 198.51.100.23', 'a=rtcp:9 IN IP4 198.51.100.23', ''].join('\r\n');
    const out = keepRelayOnly(SignalKind.ANSWER, sdp);
    expect(JSON.stringify(out)).not.toContain('198.51.100.23');
    expect('payload' in out && out.payload).toBe(['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0', ''].join('\r\n'));
  });
});

describe('a relay candidate line rewritten without splitting it', () => {
  // The model: the rule written the plain way (split on any whitespace, blank, join), which relayLine
  // itself falls back to for lines spaced otherwise than browsers write them.
  const model = relayLineOfFields;
  /** A small deterministic generator, so a failure replays the same way. */
  let state = 20261124;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const tokens = ['candidate:1', '1', 'udp', '16777215', '203.0.113.7', 'typ', 'relay', 'relayx', 'host', 'srflx', 'raddr', 'rport', '198.51.100.23', '51234', 'generation', '0', 'tcptype', ''];
  const spaces = [' ', ' ', ' ', ' ', '  ', '\t', '\u00a0', ' \n'];

  it('gives what splitting gives for any line, single-spaced or not', () => {
    let relays = 0;
    for (let i = 0; i < 20_000; i++) {
      // Fields one at a time, or as the pairs a candidate has ("typ relay", "raddr <address>"), so relay lines come up often.
      const fields: string[] = [];
      for (let count = Math.floor(next() * 8); count > 0; count--) {
        const roll = next();
        if (roll < 0.3) fields.push('typ', pick(['relay', 'relay', 'host', 'relayx', 'typ']));
        else if (roll < 0.5) fields.push(pick(['raddr', 'rport']), pick(tokens));
        else fields.push(pick(tokens));
      }
      let line = next() < 0.1 ? pick(spaces) : '';
      fields.forEach((field, k) => (line += (k > 0 ? (next() < 0.8 ? ' ' : pick(spaces)) : '') + field));
      if (next() < 0.1) line += pick(spaces);
      const expected = model(line);
      if (expected !== null) relays++;
      expect(relayLine(line), JSON.stringify(line)).toBe(expected);
    }
    // The generator reaches the interesting lines: relay candidates, with and without their related address.
    expect(relays).toBeGreaterThan(500);
  });

  it('rewrites what a browser writes', () => {
    expect(relayLine('candidate:3 1 udp 41885439 203.0.113.7 40000 typ relay raddr 198.51.100.23 rport 51234 generation 0 ufrag x network-id 1'))
      .toBe('candidate:3 1 udp 41885439 203.0.113.7 40000 typ relay raddr 0.0.0.0 rport 0 generation 0 ufrag x network-id 1');
    expect(relayLine('candidate:3 1 udp 41885439 203.0.113.7 40000 typ relay raddr 198.51.100.23 rport 51234')).toBe(
      'candidate:3 1 udp 41885439 203.0.113.7 40000 typ relay raddr 0.0.0.0 rport 0',
    );
    expect(relayLine('candidate:2 1 udp 2130706431 192.168.1.20 50000 typ host generation 0')).toBeNull();
    expect(relayLine('candidate:2 1 udp 2130706431 192.168.1.20 50000 typ relayed raddr 1.2.3.4 rport 5')).toBeNull();
  });
});
