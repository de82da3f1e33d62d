import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer, type ServerOptions } from 'ws';
import { sendText, textFrame } from '../src/http/text-frames.js';

/** Texts at every boundary of the frame's length field, in ASCII and in characters of 2, 3 and 4 bytes. */
const texts = [
  '', 'a', 'x'.repeat(125), 'x'.repeat(126), 'x'.repeat(127), 'x'.repeat(65_535), 'x'.repeat(65_536), 'x'.repeat(70_000),
  'é'.repeat(63), 'é'.repeat(64), '漢'.repeat(21_845), '漢'.repeat(21_846), 'lone \ud800 surrogate', `{"candidate":"😀 ${'\u0000\u007f"\\'.repeat(40)}"}`,
];

describe('text frames written straight to the socket (src/http/text-frames.ts)', () => {
  let server: WebSocketServer | undefined;
  afterEach(async () => {
    if (!server) return;
    for (const socket of server.clients) socket.terminate();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  });

  /** A server that runs `onOpen` on each connection, and a client connected to it that keeps what it receives, in order. */
  const connect = async (onOpen: (socket: WebSocket) => void, options: ServerOptions = {}, clientOptions: WebSocket.ClientOptions = {}) => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
    await once(server, 'listening');
    server.on('connection', onOpen);
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, clientOptions);
    const received: string[] = [];
    client.on('message', (data, isBinary) => received.push(isBinary ? '<binary>' : data.toString()));
    const pings: number[] = [];
    client.on('ping', () => pings.push(received.length));
    await once(client, 'open');
    return { client, received, pings };
  };

  it('heads each frame as RFC 6455 does for its length: 7 bits, 16 bits, 64 bits', () => {
    expect([...textFrame('hi')]).toEqual([0x81, 2, 0x68, 0x69]);
    expect([...textFrame('x'.repeat(126)).subarray(0, 4)]).toEqual([0x81, 126, 0, 126]);
    expect([...textFrame('x'.repeat(65_536)).subarray(0, 10)]).toEqual([0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(textFrame('é').length).toBe(2 + 2);
  });

  it('delivers every text to a ws client exactly as sent, in order with frames ws sends itself', async () => {
    const { client, received, pings } = await connect((socket) => {
      for (const [i, text] of texts.entries()) {
        sendText(socket, text);
        if (i === 3) socket.send('from ws');
        if (i === 5) socket.ping();
      }
      socket.send('end');
    });
    await new Promise<void>((resolve) => client.on('message', (data) => data.toString() === 'end' && resolve()));
    // A lone surrogate goes out as U+FFFD, as ws's own send writes it.
    expect(received).toEqual([...texts.slice(0, 4), 'from ws', ...texts.slice(4), 'end'].map((text) => Buffer.from(text).toString()));
    // The ping came between the frames it was sent between.
    expect(pings).toEqual([7]);
  });

  it('leaves the frame to ws when an extension is negotiated: ws compresses frames later, and they keep their order', async () => {
    let extensions = '';
    const { client, received } = await connect((socket) => {
      extensions = socket.extensions;
      // ws deflates asynchronously and holds every frame meanwhile: one written past it would overtake them.
      for (const text of texts) {
        socket.send(`ws ${text.length}`);
        sendText(socket, text);
      }
      socket.send('end');
    }, { perMessageDeflate: { threshold: 0 } }, { perMessageDeflate: true });
    await new Promise<void>((resolve) => client.on('message', (data) => data.toString() === 'end' && resolve()));
    expect(extensions).toContain('permessage-deflate');
    expect(received).toEqual([...texts.flatMap((text) => [`ws ${text.length}`, Buffer.from(text).toString()]), 'end']);
  });
});
