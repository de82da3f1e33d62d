import { describe, expect, it } from 'vitest';
import { keepRelayOnly, payloadToRelay, relayLine, relayLineOfFields, sdpLineToRelay, sdpToRelay } from '../src/signaling/relay-privacy.js';
import { checkParsedPayload, checkPayload, plainCandidateEnd, SignalKind } from '../src/signaling/signal.js';

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

/** A small deterministic generator, so a failure replays the same way. */
function generator(seed: number) {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  return { next, pick };
}

describe('a relay candidate line rewritten without splitting it', () => {
  // The model: the rule written the plain way (split on any whitespace, blank, join), which relayLine
  // itself falls back to for lines spaced otherwise than browsers write them.
  const model = relayLineOfFields;
  const { next, pick } = generator(20261124);
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

describe('a candidate payload checked and rewritten without parsing it', () => {
  // The model: the payload parsed, checked and rebuilt with JSON (checkParsedPayload, then
  // keepRelayOnly given the parsed candidate), which the check falls back to for any other form.
  const model = (payload: string, relayOnly: boolean) => {
    const checked = checkParsedPayload(SignalKind.ICE_CANDIDATE, payload);
    if ('problem' in checked) return checked;
    return relayOnly ? keepRelayOnly(SignalKind.ICE_CANDIDATE, payload, checked.candidate) : { payload };
  };
  const { next, pick } = generator(20261125);
  const lines = [
    'candidate:1 1 udp 41885439 203.0.113.7 40000 typ relay raddr 198.51.100.23 rport 51234 generation 0 ufrag Yk3e network-id 1',
    'candidate:2 1 udp 2130706431 192.168.1.20 50000 typ host generation 0',
    'candidate:3 1 udp 16777215 203.0.113.7 40000 typ relay',
    'candidate:4 1 udp 1 203.0.113.7 40000 typ  relay raddr\t198.51.100.23 rport 5',
    'candidate:5 1 udp 1 203.0.113.7 40000 typ relay raddr "198.51.100.23" rport 5',
    'candidate:6 1 udp 1 203.0.113.7 40000 typ relay raddr 198.51.100.23 rport 5 x-note é',
    'candidate:7 1 udp 1 203.0.113.7 40000 typ relay raddr \\198.51.100.23 rport 5',
    'candidate:8 1 udp 1 203.0.113.7 40000 typ relay raddr 198.51.100.23 rport 5 \u2028',
    'andidate:9 1 udp 1 203.0.113.7 40000 typ relay',
    '',
    'candidate:10 1 udp 1 203.0.113.7 40000 typ relay raddr 198.51.100.23  rport 5',
    'candidate:11 1 udp 1 203.0.113.7 40000 typ relay raddr 198.51.100.23 rport 5 ',
  ];
  const values = {
    sdpMid: ['0', 'audio', '', null, 0, 'a"b', 'é', undefined],
    sdpMLineIndex: [0, 1, 12, 123456789, 1234567890, -1, 1.5, null, '0', undefined],
    usernameFragment: ['Yk3e', '', null, 7, 'x\\y', undefined],
  };
  /** A payload as a browser writes it, or nearly: fields left out, reordered, other types, other spacing, hand-made JSON text. */
  const payloadOf = () => {
    // Half the time each part as a browser writes it, so both forms come up often.
    const init: Record<string, unknown> = { candidate: pick(next() < 0.5 ? lines.slice(0, 3) : lines) };
    for (const [field, choices] of Object.entries(values)) {
      const value = next() < 0.5 ? choices[0] : pick(choices);
      if (value !== undefined) init[field] = value;
    }
    const roll = next();
    if (roll < 0.6) return JSON.stringify(init);
    if (roll < 0.68) return JSON.stringify(Object.fromEntries(Object.entries(init).reverse()));
    if (roll < 0.74) return JSON.stringify({ ...init, relatedAddress: '198.51.100.23' });
    if (roll < 0.8) return JSON.stringify(init, null, pick([1, '\t']));
    if (roll < 0.84) return JSON.stringify(init).replace('"candidate":', '"candidate":"candidate:1 typ relay raddr 1.2.3.4","candidate":');
    if (roll < 0.88) return JSON.stringify(init).replace('"sdpMLineIndex":0', pick(['"sdpMLineIndex":00', '"sdpMLineIndex":0.0', '"sdpMLineIndex":-0', '"sdpMLineIndex":1e0']));
    if (roll < 0.92) return JSON.stringify(init).replace('candidate:', pick(['\\u0063andidate:', 'candidate\\u003a', 'candidate: ']));
    if (roll < 0.96) return JSON.stringify(init).slice(0, -1 - Math.floor(next() * 3));
    return `${JSON.stringify(init)}${pick([' ', '}', 'null', '\n'])}`;
  };

  it('gives what parsing gives for any payload, and refuses the same ones', () => {
    let plain = 0;
    let relayed = 0;
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      const payload = payloadOf();
      if (plainCandidateEnd(payload) > 0) plain++;
      // The one check gives parsing's verdict, with or without its shortcut.
      const checked = checkPayload(SignalKind.ICE_CANDIDATE, payload);
      expect('problem' in checked, JSON.stringify(payload)).toBe('problem' in checkParsedPayload(SignalKind.ICE_CANDIDATE, payload));
      for (const relayOnly of [false, true]) {
        const expected = model(payload, relayOnly);
        if ('problem' in expected) refused++;
        else if (relayOnly) relayed++;
        expect(payloadToRelay(SignalKind.ICE_CANDIDATE, payload, relayOnly), JSON.stringify(payload)).toEqual(expected);
      }
    }
    // The generator reaches both forms, and payloads the check refuses as well as ones it relays.
    expect(plain).toBeGreaterThan(4_000);
    expect(plain).toBeLessThan(16_000);
    expect(relayed).toBeGreaterThan(2_000);
    expect(refused).toBeGreaterThan(2_000);
  });

  it('reads what a browser writes without parsing it', () => {
    const payload = JSON.stringify({ candidate: lines[0], sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'Yk3e' });
    expect(plainCandidateEnd(payload)).toBe(payload.indexOf('","sdpMid"'));
    expect(plainCandidateEnd(JSON.stringify({ candidate: lines[0] }))).toBeGreaterThan(0);
    expect(plainCandidateEnd(JSON.stringify({ sdpMid: '0', candidate: lines[0] }))).toBe(-1);
    expect(plainCandidateEnd(JSON.stringify({ candidate: lines[0], sdpMid: '0', other: 1 }))).toBe(-1);
    // Fields spaced otherwise than one space apart: parsed, and split into fields.
    expect(plainCandidateEnd(JSON.stringify({ candidate: lines[10] }))).toBe(-1);
    expect(plainCandidateEnd(JSON.stringify({ candidate: lines[11] }))).toBe(-1);
    expect(payloadToRelay(SignalKind.ICE_CANDIDATE, JSON.stringify({ candidate: lines[10] }), true)).toEqual({
      payload: JSON.stringify({ candidate: 'candidate:10 1 udp 1 203.0.113.7 40000 typ relay raddr 0.0.0.0 rport 0' }),
    });
  });
});

describe('an SDP description rewritten without splitting it', () => {
  // The model: the description split into lines, each line rewritten, the dropped ones left out, joined again.
  const model = (sdp: string) => {
    const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
    return sdp.split(eol).map(sdpLineToRelay).filter((line) => line !== null).join(eol);
  };
  const { next, pick } = generator(20261126);
  const lines = [
    'v=0', 'o=- 4611731400430051336 2 IN IP4 198.51.100.23', 'o=- 1 1 IN IP6 2001:db8::1', 's=-', 't=0 0', '',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 198.51.100.23', 'c=IN IP6 2001:db8::1', 'c=IN IP4 ', 'c=IN IPX 1.2.3.4',
    'a=rtcp:9 IN IP4 198.51.100.23', 'a=rtcp:9', 'a=mid:0', 'a=rtpmap:111 opus/48000/2',
    'a=candidate:1 1 udp 41885439 203.0.113.7 40000 typ relay raddr 198.51.100.23 rport 51234',
    'a=candidate:2 1 udp 2130706431 192.168.1.20 50000 typ host generation 0',
    'a=candidate:3 1 udp 1 203.0.113.7 40000 typ  relay raddr\t198.51.100.23 rport 5',
    'a=end-of-candidates', 'o=', 'a=candidate:',
  ];

  it('gives what splitting gives for any description', () => {
    let changed = 0;
    let dropped = 0;
    for (let i = 0; i < 20_000; i++) {
      const eol = pick(['\r\n', '\r\n', '\n']);
      const parts: string[] = [];
      for (let count = Math.floor(next() * 12); count > 0; count--) parts.push(pick(lines));
      let sdp = parts.join(next() < 0.9 ? eol : pick(['\r\n', '\n']));
      if (next() < 0.5) sdp += eol;
      const expected = model(sdp);
      if (expected !== sdp) changed++;
      if (expected.split('\n').length < sdp.split('\n').length) dropped++;
      expect(sdpToRelay(sdp), JSON.stringify(sdp)).toBe(expected);
    }
    expect(changed).toBeGreaterThan(5_000);
    expect(dropped).toBeGreaterThan(2_000);
  });

  it('leaves a description with nothing to change as it was', () => {
    const sdp = ['v=0', 's=-', 'a=mid:0', ''].join('\r\n');
    expect(sdpToRelay(sdp)).toBe(sdp);
  });
});

describe('connection, rtcp and origin addresses blanked without regular expressions', () => {
  // The model: the rules as regular expressions, which sdpLineToRelay used before.
  const model = (line: string): string => {
    if (/^c=IN IP[46] /.test(line)) return line.replace(/^c=IN IP([46]) \S+/, (_m, v) => `c=IN IP${v} ${v === '6' ? '::' : '0.0.0.0'}`);
    if (line.startsWith('a=rtcp:')) return line.replace(/ IN IP([46]) \S+/, (_m, v) => ` IN IP${v} ${v === '6' ? '::' : '0.0.0.0'}`);
    if (line.startsWith('o=')) return line.replace(/ IN IP([46]) \S+$/, (_m, v) => ` IN IP${v} ${v === '6' ? '::1' : '127.0.0.1'}`);
    return line;
  };
  const { next, pick } = generator(20261207);
  const heads = ['c=IN IP4 ', 'c=IN IP6 ', 'c=IN IP', 'c=IN IPX ', 'a=rtcp:9', 'a=rtcp:9 ', 'o=- 1 2', 'o=', 'a=mid:0 '];
  const parts = [' IN IP4 ', ' IN IP6 ', ' IN IP', ' IN IP5 ', ' IN IP4', '198.51.100.23', '2001:db8::1', '224.2.1.1/127', 'x', '', ' ', '  ', '\t', '\u00a0', '\u2003', '\ufeff'];

  it('gives what the regular expressions give for any line', () => {
    let changed = 0;
    for (let i = 0; i < 30_000; i++) {
      let line = pick(heads);
      for (let count = Math.floor(next() * 6); count > 0; count--) line += pick(parts);
      const expected = model(line);
      if (expected !== line) changed++;
      expect(sdpLineToRelay(line), JSON.stringify(line)).toBe(expected);
    }
    expect(changed).toBeGreaterThan(1_500);
  });

  it('blanks the address the way a browser writes each line', () => {
    expect(sdpLineToRelay('c=IN IP4 198.51.100.23')).toBe('c=IN IP4 0.0.0.0');
    expect(sdpLineToRelay('c=IN IP6 2001:db8::1')).toBe('c=IN IP6 ::');
    expect(sdpLineToRelay('a=rtcp:9 IN IP4 198.51.100.23')).toBe('a=rtcp:9 IN IP4 0.0.0.0');
    expect(sdpLineToRelay('o=- 4611731400430051336 2 IN IP4 198.51.100.23')).toBe('o=- 4611731400430051336 2 IN IP4 127.0.0.1');
    expect(sdpLineToRelay('o=- 1 1 IN IP6 2001:db8::1')).toBe('o=- 1 1 IN IP6 ::1');
  });
});
