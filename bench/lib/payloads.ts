/**
 * The message mix, the same for every server: trickled ICE candidates (~200 B of
 * RTCIceCandidateInit JSON, as a browser produces them) and an occasional SDP offer (~4 KiB).
 * Each carries a marker with the bench step and the send time (performance.now() of the load
 * generator, which also receives it, so one clock): in a candidate as an extension attribute of
 * the candidate line (RFC 8839 allows `name value` pairs at its end), in SDP as an `a=` line.
 */

export type MessageKind = 'ICE_CANDIDATE' | 'OFFER';

const UFRAG = 'Yk3e';

/**
 * A relay candidate like Chrome's, for message `n`, with the marker attribute appended. Relay
 * candidates because a relay-only participant (a patient, when TURN is configured) may send
 * nothing else to the service, and the mix must be the same for every server.
 */
export function candidatePayload(n: number, marker: string): string {
  const port = 49_152 + (n % 16_000);
  return JSON.stringify({
    candidate: `candidate:${2_000_000_000 + (n % 1_000_000)} 1 udp 41885439 203.0.113.${n % 250} ${port} typ relay raddr 198.51.100.${(n >> 3) % 250} rport ${port} generation 0 ufrag ${UFRAG} network-id 1 network-cost 10 x-bench ${marker}`,
    sdpMid: '0',
    sdpMLineIndex: 0,
    usernameFragment: UFRAG,
  });
}

const sdpBody = buildSdpBody();

/** An SDP offer of about 4 KiB (audio + video, Chrome's usual codecs), with the marker line. */
export function offerPayload(marker: string): string {
  return `${sdpBody}a=x-bench:${marker}\r\n`;
}

/** `<step>:<send time in ms>` */
export function marker(step: number, sentAt: number): string {
  return `${step}:${sentAt.toFixed(3)}`;
}

/** The step and send time of a delivered payload, or null when it carries no marker. */
export function readMarker(payload: string): { step: number; sentAt: number } | null {
  const at = payload.indexOf('x-bench');
  if (at < 0) return null;
  const start = at + 8; // 'x-bench' and its separator (' ' or ':')
  const colon = payload.indexOf(':', start);
  let end = colon + 1;
  while (end < payload.length) {
    const c = payload.charCodeAt(end);
    if ((c < 48 || c > 57) && c !== 46) break;
    end++;
  }
  return { step: Number(payload.slice(start, colon)), sentAt: Number(payload.slice(colon + 1, end)) };
}

function buildSdpBody(): string {
  const lines = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS 3f9c2a61-7d0e-4f4b-9a0c-5b1e2d3c4f5a',
  ];
  const transport = [
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${UFRAG}`,
    'a=ice-pwd:cYuakxkEKH+RApYE1jgjXxAd',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 75:74:5B:0A:C5:E1:4A:50:73:E2:9B:C1:5F:0B:62:48:A2:6B:15:DE:6E:9C:C1:76:FD:D2:9C:2E:D7:77:A2:8B',
    'a=setup:actpass',
  ];
  lines.push('m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126', ...transport, 'a=mid:0');
  const audioExt = ['urn:ietf:params:rtp-hdrext:ssrc-audio-level', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', 'urn:ietf:params:rtp-hdrext:sdes:mid'];
  audioExt.forEach((uri, i) => lines.push(`a=extmap:${i + 1} ${uri}`));
  lines.push('a=sendrecv', 'a=msid:3f9c2a61-7d0e-4f4b-9a0c-5b1e2d3c4f5a 8d0c6e1f-2a3b-4c5d-9e8f-7a6b5c4d3e2f', 'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2', 'a=rtcp-fb:111 transport-cc', 'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:63 red/48000/2', 'a=fmtp:63 111/111', 'a=rtpmap:9 G722/8000', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:13 CN/8000', 'a=rtpmap:110 telephone-event/48000', 'a=rtpmap:126 telephone-event/8000',
    'a=ssrc:1493382372 cname:Jq9xT3k2pLm8Vb4N', 'a=ssrc:1493382372 msid:3f9c2a61-7d0e-4f4b-9a0c-5b1e2d3c4f5a 8d0c6e1f-2a3b-4c5d-9e8f-7a6b5c4d3e2f');
  const video: [number, string, string?][] = [
    [96, 'VP8/90000'], [98, 'VP9/90000', 'profile-id=0'], [100, 'VP9/90000', 'profile-id=2'],
    [102, 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f'],
    [106, 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f'],
    [45, 'AV1/90000', 'level-idx=5;profile=0;tier=0'],
  ];
  const payloadTypes = video.flatMap(([pt]) => [pt, pt + 1]);
  lines.push(`m=video 9 UDP/TLS/RTP/SAVPF ${payloadTypes.join(' ')} 116 117 118`, ...transport, 'a=mid:1');
  const videoExt = ['urn:ietf:params:rtp-hdrext:toffset', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', 'urn:3gpp:video-orientation',
    'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
    'http://www.webrtc.org/experiments/rtp-hdrext/video-content-type', 'http://www.webrtc.org/experiments/rtp-hdrext/video-timing',
    'http://www.webrtc.org/experiments/rtp-hdrext/color-space', 'urn:ietf:params:rtp-hdrext:sdes:mid'];
  videoExt.forEach((uri, i) => lines.push(`a=extmap:${i + 2} ${uri}`));
  lines.push('a=sendrecv', 'a=msid:3f9c2a61-7d0e-4f4b-9a0c-5b1e2d3c4f5a 0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e', 'a=rtcp-mux', 'a=rtcp-rsize');
  for (const [pt, codec, fmtp] of video) {
    lines.push(`a=rtpmap:${pt} ${codec}`);
    for (const fb of ['goog-remb', 'transport-cc', 'ccm fir', 'nack', 'nack pli']) lines.push(`a=rtcp-fb:${pt} ${fb}`);
    if (fmtp) lines.push(`a=fmtp:${pt} ${fmtp}`);
    lines.push(`a=rtpmap:${pt + 1} rtx/90000`, `a=fmtp:${pt + 1} apt=${pt}`);
  }
  lines.push('a=rtpmap:116 red/90000', 'a=rtpmap:117 rtx/90000', 'a=fmtp:117 apt=116', 'a=rtpmap:118 ulpfec/90000',
    'a=ssrc-group:FID 2231627014 632943048', 'a=ssrc:2231627014 cname:Jq9xT3k2pLm8Vb4N',
    'a=ssrc:2231627014 msid:3f9c2a61-7d0e-4f4b-9a0c-5b1e2d3c4f5a 0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e',
    'a=ssrc:632943048 cname:Jq9xT3k2pLm8Vb4N', 'a=ssrc:632943048 msid:3f9c2a61-7d0e-4f4b-9a0c-5b1e2d3c4f5a 0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e');
  return `${lines.join('\r\n')}\r\n`;
}
