/**
 * The design the GraphQL signaling replaces: a Socket.IO room per call. A client emits `join`
 * with the call id (acknowledged), then every `signal` it emits goes to the rest of that room.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { serveParent } from './ipc.js';

interface SignalMessage {
  callId: string;
  kind: string;
  payload: string;
}

const httpServer = http.createServer();
const io = new Server(httpServer, { maxHttpBufferSize: 256 * 1024, serveClient: false });

io.on('connection', (socket) => {
  socket.on('join', (callId: string, ack?: () => void) => {
    void socket.join(callId);
    ack?.();
  });
  socket.on('signal', (message: SignalMessage) => {
    socket.to(message.callId).emit('signal', message);
  });
});

httpServer.listen(0, '127.0.0.1', () => {
  const { port } = httpServer.address() as AddressInfo;
  serveParent({ type: 'ready', url: `http://127.0.0.1:${port}` }, async () => {
    io.disconnectSockets(true);
    await new Promise((resolve) => io.close(resolve));
  });
});
