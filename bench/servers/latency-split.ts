/**
 * Where a message's latency goes inside a server child, loaded into it with
 * `BENCH_SERVICE_NODE_ARGS='--import ./bench/servers/latency-split.ts'`. For each message that
 * carries a bench marker (bench/lib/payloads.ts) it notes when `ws` handed over the TCP read
 * holding its frame, and when its delivery was given to `ws` to send, and every 5 s prints to
 * stderr the spread of:
 * - *before the read*: the read time minus the generator's send time, less the smallest such
 *   difference in the batch (the two processes' clocks are compared through
 *   `performance.timeOrigin`, so only differences are trusted): how long a frame waited, in the
 *   generator, the kernel or this process's socket, before this process read it;
 * - *read to send*: from that read to the delivery's send, all of it in this process.
 * It patches `ws`'s Receiver and WebSocket prototypes, so it sees every socket of the process; an
 * experiment's tool, not part of any figure the bench prints.
 */
import { createRequire } from 'node:module';

type Receiver = { prototype: { write: (...args: unknown[]) => unknown; emit: (event: string, ...args: unknown[]) => boolean } };
type WebSocketClass = { prototype: { send: (data: unknown, ...rest: unknown[]) => unknown } };

const require = createRequire(`${process.cwd()}/package.json`);
const receiver = require(require.resolve('ws').replace(/index\.js$/, 'lib/receiver.js')) as Receiver;
const webSocket = require(require.resolve('ws').replace(/index\.js$/, 'lib/websocket.js')) as WebSocketClass;

const now = () => performance.timeOrigin + performance.now();
const READ_AT = Symbol('readAt');
/** Marker (the send time as written) -> when its frame was read. */
const reads = new Map<string, number>();
/** [send time, read time, send-on time] of each message seen both ways. */
const seen: [number, number, number][] = [];

/** The send times written in `text`'s bench markers. */
function sendTimes(text: string): string[] {
  const found: string[] = [];
  for (let at = text.indexOf('x-bench'); at >= 0; at = text.indexOf('x-bench', at + 1)) {
    const colon = text.indexOf(':', at + 8);
    let end = colon + 1;
    while (end < text.length && ((text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) || text.charCodeAt(end) === 46)) end++;
    found.push(text.slice(colon + 1, end));
  }
  return found;
}

const write = receiver.prototype.write;
receiver.prototype.write = function (this: Record<symbol, number>, ...args: unknown[]) {
  this[READ_AT] = now();
  return write.apply(this, args);
};
const emit = receiver.prototype.emit;
receiver.prototype.emit = function (this: Record<symbol, number>, event: string, ...args: unknown[]) {
  if (event === 'message') {
    const data = args[0];
    for (const sent of sendTimes(Buffer.isBuffer(data) ? data.toString('latin1') : String(data))) reads.set(sent, this[READ_AT]!);
  }
  return emit.call(this, event, ...args);
};
const send = webSocket.prototype.send;
webSocket.prototype.send = function (data: unknown, ...rest: unknown[]) {
  if (typeof data === 'string' && data.includes('x-bench')) {
    const at = now();
    for (const sent of sendTimes(data)) {
      const read = reads.get(sent);
      if (read === undefined) continue;
      reads.delete(sent);
      seen.push([Number(sent), read, at]);
    }
  }
  return send.call(this, data, ...rest);
};

const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const spread = (values: number[]) => {
  const sorted = Float64Array.from(values).sort();
  return ['0.5', '0.9', '0.99'].map((q) => `p${Number(q) * 100} ${quantile(sorted, Number(q)).toFixed(2)}`).join(' ') + ` max ${sorted[sorted.length - 1]!.toFixed(2)}`;
};
setInterval(() => {
  if (seen.length < 100) return;
  const batch = seen.splice(0);
  const offsets = batch.map(([sent, read]) => read - sent);
  const least = Math.min(...offsets);
  console.error(`latency split, ${batch.length} messages: before the read (ms) ${spread(offsets.map((o) => o - least))}; ` +
    `read to send (ms) ${spread(batch.map(([, read, out]) => out - read))}`);
  if (reads.size > 100_000) reads.clear();
}, 5_000).unref();
