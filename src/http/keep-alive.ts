import type { WebSocket, WebSocketServer } from 'ws';

/** Turns of the wheel per interval: each turn pings the sockets of one slot. */
const SLOTS = 48;

/**
 * Keep-alive pings for every socket of `wsServer`, spread over the interval instead of in step.
 * Each socket is pinged once per `intervalMs`; one that has not answered its last ping when its
 * next is due is terminated (its close then runs as for any dropped socket: presence marks its
 * participant DISCONNECTED after the grace period). A dead peer is found within about two
 * intervals (the timer's ticks run late on a busy loop, and the interval stretches with them).
 *
 * graphql-ws's own keep-alive (turned off in src/http/ws.ts) gives each socket an interval timer
 * of its own, started when it connects. Sockets that connect together, as every client does
 * after a restart, are then pinged together: 100 sockets took 3-4 ms of the loop in one piece
 * every 12 s under the signaling bench, and their pongs came back together too. Here a socket
 * takes the next of {@link SLOTS} slots in turn, and one timer pings a slot every
 * `intervalMs / SLOTS`, so the same 100 sockets are pinged two or three at a time.
 *
 * Returns the function that stops it.
 */
export function keepAlive(wsServer: WebSocketServer, intervalMs: number): () => void {
  const wheel = Array.from({ length: SLOTS }, () => new Set<WebSocket>());
  /** Sockets pinged whose pong has not come back. */
  const waiting = new WeakSet<WebSocket>();
  let nextSlot = 0;
  let hand = 0;

  const onConnection = (socket: WebSocket) => {
    const slot = wheel[nextSlot]!;
    nextSlot = (nextSlot + 1) % SLOTS;
    slot.add(socket);
    socket.on('pong', () => waiting.delete(socket));
    socket.once('close', () => slot.delete(socket));
  };
  wsServer.on('connection', onConnection);

  const timer = setInterval(() => {
    const slot = wheel[hand]!;
    hand = (hand + 1) % SLOTS;
    for (const socket of slot) {
      if (socket.readyState !== socket.OPEN) continue;
      if (waiting.has(socket)) {
        socket.terminate();
        continue;
      }
      waiting.add(socket);
      socket.ping();
    }
  }, intervalMs / SLOTS);
  timer.unref();
  return () => {
    clearInterval(timer);
    wsServer.off('connection', onConnection);
    for (const slot of wheel) slot.clear();
  };
}
