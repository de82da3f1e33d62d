import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Buffer's own encoder, which `write(string, offset, length, encoding)` calls after checking its arguments. */
type Utf8Writer = { utf8Write(text: string, offset: number, length: number): number };

/** The TCP socket under a ws `socket` (ws keeps it as `_socket`), or undefined once ws has let it go. */
export const tcpSocketOf = (socket: WebSocket): Socket | undefined => (socket as unknown as { _socket?: Socket })._socket;

/** A final text frame's first byte: FIN and opcode 1. */
const FIN_TEXT = 0x81;

/**
 * Sends `text` on an open server-side `socket` as one text frame, built in one Buffer and
 * written to the TCP socket in one write: what `socket.send(text)` puts on the wire, for less.
 * ws frames a string in a header Buffer of its own and writes header and string to the socket
 * corked, so that node encodes the string into storage it allocates per write and hands both to
 * one `writev`; a delivered signal did that on every send (bench/README.md, nineteenth session).
 *
 * Only where ws itself would write the frame at once: a server's frames are not masked, and ws
 * holds frames back only to compress them (permessage-deflate, which this service's server does
 * not offer: `extensions` is empty) or while it reads a Blob (never sent here). Anywhere else
 * (no TCP socket, an extension negotiated) it is `socket.send(text)`. The caller has checked
 * that the socket is OPEN, as before calling `send`.
 */
export function sendText(socket: WebSocket, text: string): void {
  const tcp = tcpSocketOf(socket);
  if (!tcp || socket.extensions !== '') return socket.send(text);
  tcp.write(textFrame(text));
}

/** The bytes of one final, unmasked text frame carrying `text` (RFC 6455 section 5.2). Exported for tests. */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + length);
  frame[0] = FIN_TEXT;
  if (head === 2) frame[1] = length;
  else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    // A 64-bit length; frames here are far below 2^32 bytes (see the limits in docs/SIGNALING.md).
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  (frame as unknown as Utf8Writer).utf8Write(text, head, length);
  return frame;
}
