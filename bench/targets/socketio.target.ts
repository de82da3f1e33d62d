import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { spawnServer } from '../lib/child.js';
import { candidatePayload, marker } from '../lib/payloads.js';
import { firstHit, inParallel, type CallLink, type Target } from './target.js';

/** The Socket.IO room relay (bench/servers/socketio.server.ts) and socket.io-client clients over WebSocket. */
export async function startSocketIo(nodeArgs: string[] = []): Promise<Target> {
  const server = await spawnServer('socketio.server.ts', { nodeArgs, env: { NODE_ENV: 'production' } });
  const sockets: Socket[] = [];

  const client = async (callId: string, onDeliver: (payload: string) => void) => {
    const socket = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 10_000 });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    await socket.timeout(10_000).emitWithAck('join', callId);
    const probe = firstHit(`the probe on Socket.IO call ${callId}`);
    socket.on('signal', (message: { payload: string }) => {
      probe.hit();
      onDeliver(message.payload);
    });
    return { socket, probe };
  };

  return {
    name: 'Socket.IO',
    server,
    async openCalls(count, onDeliver) {
      return inParallel(count, 16, async (): Promise<CallLink> => {
        const callId = randomUUID();
        const sides = [await client(callId, onDeliver), await client(callId, onDeliver)] as const;
        const link: CallLink = {
          send: (side, kind, payload) => sides[side].socket.emit('signal', { callId, kind, payload }),
        };
        link.send(0, 'ICE_CANDIDATE', candidatePayload(0, marker(0, 0)));
        link.send(1, 'ICE_CANDIDATE', candidatePayload(1, marker(0, 0)));
        await Promise.all(sides.map((s) => s.probe.wait()));
        return link;
      });
    },
    sendErrors: () => ({ count: 0 }),
    async close() {
      // The server first: clients that vanish under its backlog would make it log write errors.
      await server.stop();
      for (const socket of sockets) socket.disconnect();
    },
  };
}
