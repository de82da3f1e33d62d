import { describe, expect, it } from 'vitest';
import { keepRelayOnly } from '../src/signaling/relay-privacy.js';
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
