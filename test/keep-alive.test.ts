import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { keepAlive } from '../src/http/keep-alive.js';
import { startApp, type TestApp } from './helpers/app.js';

/** A client socket that records when pings arrive and how it closed; `answers: false` leaves pings unanswered, as a dead peer does. */
async function client(url: string, answers = true, protocol?: string) {
  const socket = new WebSocket(url, protocol, { autoPong: answers });
  const pings: number[] = [];
  socket.on('ping', () => pings.push(performance.now()));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await once(socket, 'open');
  return { socket, pings, closed };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('keep-alive pings (src/http/keep-alive.ts)', () => {
  let server: WebSocketServer | undefined;
  let stop: (() => void) | undefined;
  afterEach(async () => {
    stop?.();
    for (const socket of server?.clients ?? []) socket.terminate();
    await new Promise((resolve) => server?.close(resolve));
  });

  const listen = async (intervalMs: number) => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    stop = keepAlive(server, intervalMs);
    return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it('pings sockets that connected together at different moments across the interval', async () => {
    // 960 ms over 48 slots: a slot every 20 ms; ten sockets take ten slots.
    const url = await listen(960);
    const clients = await Promise.all(Array.from({ length: 10 }, () => client(url)));
    await sleep(1_100);
    const firsts = clients.map((c) => c.pings[0]);
    expect(firsts.every((at) => at !== undefined)).toBe(true);
    const times = firsts as number[];
    // In step (one timer per socket, all started together), they would arrive within a few ms.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(140);
    for (const c of clients) expect(c.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('drops a socket that leaves a ping unanswered until its next one, and keeps those that answer', async () => {
    const url = await listen(480);
    const silent = await client(url, false);
    const answering = await client(url, true);
    const started = performance.now();
    // Dropped without a close frame: the client sees 1006.
    expect(await silent.closed).toBe(1006);
    const after = performance.now() - started;
    expect(silent.pings.length).toBeGreaterThanOrEqual(1);
    expect(after).toBeLessThan(2 * 480 + 300);
    await sleep(1_000);
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    expect(answering.pings.length).toBeGreaterThanOrEqual(2);
  });
});

describe('the service keeps its sockets alive with WS_KEEPALIVE_MS', () => {
  let app: TestApp | undefined;
  afterAll(async () => app?.close());

  it('pings every socket and drops one whose client stopped answering', async () => {
    app = await startApp({ WS_KEEPALIVE_MS: '480' });
    const tokens = await app.signIn([['ada', 'provider'], ['pat', 'patient']]);
    const connect = async (token: string, deviceId: string, answers: boolean) => {
      const c = await client(app!.wsUrl, answers, 'graphql-transport-ws');
      const acked = new Promise<void>((resolve) => c.socket.on('message', (data) => String(data).includes('connection_ack') && resolve()));
      c.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}`, deviceId } }));
      await acked;
      return c;
    };
    const ada = await connect(tokens.ada!, 'ada-desk-alive', true);
    const pat = await connect(tokens.pat!, 'pat-tab-silent', false);
    expect(await pat.closed).toBe(1006);
    await sleep(600);
    expect(ada.socket.readyState).toBe(WebSocket.OPEN);
    expect(ada.pings.length).toBeGreaterThanOrEqual(2);
    ada.socket.close();
  });
});
