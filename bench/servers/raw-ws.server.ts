/**
 * The transport's limit: a bare `ws` relay. A client joins the room of `?room=<callId>` when it
 * connects; every text frame it sends is forwarded, unparsed, to the other members of the room.
 */
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { listenForParent } from './ipc.js';

const rooms = new Map<string, Set<WebSocket>>();
const httpServer = http.createServer();
const wss = new WebSocketServer({ server: httpServer, maxPayload: 256 * 1024 });

wss.on('connection', (socket, request) => {
  const room = new URL(request.url ?? '/', 'http://localhost').searchParams.get('room');
  if (!room) return socket.close(4400, 'room is required');
  const members = rooms.get(room) ?? new Set<WebSocket>();
  rooms.set(room, members);
  members.add(socket);
  socket.on('message', (data, isBinary) => {
    for (const peer of members) if (peer !== socket) peer.send(data, { binary: isBinary });
  });
  socket.on('close', () => {
    members.delete(socket);
    if (members.size === 0) rooms.delete(room);
  });
  socket.send('{"type":"joined"}');
});

listenForParent(httpServer, wss);
