import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { spawnServer } from '../lib/child.js';
import { candidatePayload, marker } from '../lib/payloads.js';
import { firstHit, inParallel, type CallLink, type Target } from './target.js';

/** The raw `ws` relay (bench/servers/raw-ws.server.ts) and its clients: `{ kind, payload }` JSON frames. */
export async function startRawWs(nodeArgs: string[] = []): Promise<Target> {
  const server = await spawnServer('raw-ws.server.ts', { nodeArgs, env: { NODE_ENV: 'production' } });
  const sockets: WebSocket[] = [];

  const client = async (callId: string, onDeliver: (payload: string) => void) => {
    const ws = new WebSocket(`${server.url}?room=${callId}`, { perMessageDeflate: false });
    sockets.push(ws);
    const probe = firstHit(`the probe on raw ws call ${callId}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve()); // {"type":"joined"}
      ws.once('error', reject);
    });
    ws.on('message', (data) => {
      probe.hit();
      onDeliver((JSON.parse(String(data)) as { payload: string }).payload);
    });
    return { ws, probe };
  };

  return {
    name: 'raw ws',
    server,
    async openCalls(count, onDeliver) {
      return inParallel(count, 16, async (): Promise<CallLink> => {
        const callId = randomUUID();
        const sides = [await client(callId, onDeliver), await client(callId, onDeliver)] as const;
        const link: CallLink = {
          send: (side, kind, payload) => sides[side].ws.send(JSON.stringify({ kind, payload })),
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
      for (const ws of sockets) ws.terminate();
    },
  };
}
