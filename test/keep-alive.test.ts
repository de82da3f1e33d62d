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

/** Waits until `done()` holds, or fails after `ms` (timers run late on a loaded machine: deadlines, not fixed sleeps). */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(10);
  }
}

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
    // A socket whose slot had just passed when it connected waits a whole turn of the wheel.
    await until(() => clients.every((c) => c.pings.length > 0), 3 * 960, 'a first ping on every socket');
    const times = clients.map((c) => c.pings[0]!);
    // In step (one timer per socket, all started together), they would arrive within a few ms.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(140);
    for (const c of clients) expect(c.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('drops a socket that leaves a ping unanswered until its next one, and keeps those that answer', async () => {
    const url = await listen(480);
    const silent = await client(url, false);
    const answering = await client(url, true);
    const started = performance.now();
    // Dropped without a close frame: the client sees 1006, after its second ping was due (two
    // intervals at most, and more only as late as the timer runs).
    expect(await silent.closed).toBe(1006);
    expect(silent.pings.length).toBeGreaterThanOrEqual(1);
    expect(performance.now() - started).toBeLessThan(4 * 480);
    await until(() => answering.pings.length >= 3, 5 * 480, 'three pings on the answering socket');
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
  });
});

describe('the service keeps its sockets alive with WS_KEEPALIVE_MS', () => {
  let app: TestApp | undefined;
  afterAll(async () => app?.close());

  /** A graphql-transport-ws socket on the service, acknowledged. */
  const connect = async (token: string, deviceId: string, answers: boolean) => {
    const c = await client(app!.wsUrl, answers, 'graphql-transport-ws');
    const acked = new Promise<void>((resolve) => c.socket.on('message', (data) => String(data).includes('connection_ack') && resolve()));
    c.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}`, deviceId } }));
    await acked;
    return c;
  };

  it('pings every socket and drops one whose client stopped answering', async () => {
    // WS_INIT_TIMEOUT_MS: graphql-ws's wait for connection_init is a timer per socket too, kept until it fires.
    app = await startApp({ WS_KEEPALIVE_MS: '480', WS_INIT_TIMEOUT_MS: '300' });
    const tokens = await app.signIn([['ada', 'provider'], ['pat', 'patient']]);
    const ada = await connect(tokens.ada!, 'ada-desk-alive', true);
    const pat = await connect(tokens.pat!, 'pat-tab-silent', false);
    expect(await pat.closed).toBe(1006);
    await until(() => ada.pings.length >= 3, 5 * 480, 'three pings on the answering socket');
    expect(ada.socket.readyState).toBe(WebSocket.OPEN);
    ada.socket.close();
  });

  it("gives a socket no timer of its own: graphql-ws's keep-alive is off", async () => {
    // graphql-ws's keep-alive is a setInterval per socket, which keeps the process alive (an
    // active 'Timeout'); the wheel is one timer for all, and unreferenced. Ten acknowledged
    // sockets would add ten, once their connection_init timers (300 ms here) have gone.
    const tokens = await app!.signIn([['ann', 'provider']]);
    const timeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timeouts();
    const sockets = [];
    for (let i = 0; i < 10; i++) sockets.push(await connect(tokens.ann!, `ann-tab-${i}-timers`, true));
    await until(() => timeouts() - before < 5, 3_000, 'no timer per socket once the connection_init waits are over');
    for (const c of sockets) c.socket.close();
  });
});
