import type { Socket } from 'node:net';
import WebSocket from 'ws';

type Send = (data: unknown, options?: object, cb?: (error?: Error) => void) => void;

/**
 * An experiment, not the service as it is: what if its socket writes were coalesced? Patches
 * `ws` in this process so that every frame sent in one turn of the event loop goes out in one
 * write per socket (the socket is corked on the first send and uncorked in `setImmediate`), and
 * the send callback is called at once instead of after the kernel write, as a graphql-ws adapter
 * that does not wait for each write would (graphql-ws's own `use/ws` waits, so the `next` and
 * `complete` of a mutation can never share a write). Ordering per socket is unchanged.
 */
export function coalesceWebSocketWrites(): void {
  const corked = new Set<Socket>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const socket of corked) socket.uncork();
    corked.clear();
  };
  const proto = WebSocket.prototype as unknown as { send: Send; _socket?: Socket };
  const send = proto.send;
  proto.send = function (this: { _socket?: Socket }, data: unknown, options?: object | ((error?: Error) => void), cb?: (error?: Error) => void) {
    if (typeof options === 'function') {
      cb = options as (error?: Error) => void;
      options = undefined;
    }
    const socket = this._socket;
    if (socket && !corked.has(socket)) {
      socket.cork();
      corked.add(socket);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    }
    send.call(this, data, options ?? {});
    if (cb) queueMicrotask(() => cb());
  };
}
