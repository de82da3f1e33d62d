import { randomUUID } from 'node:crypto';
import { spawnServer } from '../lib/child.js';
import { GqlSocket } from '../lib/gql-socket.js';
import { firedErrors, linkSides } from './service-calls.js';
import { inParallel, type CallLink, type Target } from './target.js';

/**
 * The protocol's floor (bench/servers/protocol-floor.server.ts) and the service's own clients:
 * the same sockets, documents and frames as the service target, with no call placed (the floor
 * knows no calls: a `signals` subscription joins the room of its callId).
 */
export async function startProtocolFloor(nodeArgs: string[] = [], env: Record<string, string> = {}, name = 'graphql-ws protocol floor'): Promise<Target> {
  const server = await spawnServer('protocol-floor.server.ts', { nodeArgs, env: { ...env, NODE_ENV: 'production' } });
  const sockets: GqlSocket[] = [];
  return {
    name,
    server,
    async openCalls(count, onDeliver) {
      return inParallel(count, 16, async (): Promise<CallLink> => {
        const sides = [await GqlSocket.connect(server.url, {}), await GqlSocket.connect(server.url, {})] as [GqlSocket, GqlSocket];
        sockets.push(...sides);
        return linkSides(sides, randomUUID(), onDeliver, false);
      });
    },
    sendErrors: () => firedErrors(sockets),
    async close() {
      await server.stop();
      for (const socket of sockets) socket.close();
    },
  };
}
