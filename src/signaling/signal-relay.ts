import type { PubSub } from '../pubsub/pubsub.js';
import type { SignalEnvelope } from './signal.js';
import type { SignalLog } from './signal-log.js';

/**
 * The relay core: knows inboxes and sequence numbers, nothing of GraphQL, sockets or who may
 * send what (that is `SignalingService`). Delivery promise: a stream opened with `afterSeq`
 * yields every kept entry after it and then every new one, in seq order, each exactly once.
 */
export class SignalRelay {
  constructor(
    private readonly log: SignalLog,
    private readonly pubsub: PubSub,
  ) {}

  send(signal: Omit<SignalEnvelope, 'seq' | 'at'>): Promise<SignalEnvelope> {
    return this.log.append(signal);
  }

  /**
   * Opens the (callId, to) inbox after `afterSeq`. Subscribes to live entries before reading the
   * kept ones, so nothing appended in between is lost; seq filtering drops what both delivered.
   * When entries after `afterSeq` were already dropped, yields a RESYNC envelope first.
   */
  async open(callId: string, to: string, afterSeq: number): Promise<AsyncIterableIterator<SignalEnvelope>> {
    const live = await this.pubsub.subscribe<SignalEnvelope>(this.log.topic(callId, to));
    let kept: Awaited<ReturnType<SignalLog['readAfter']>>;
    try {
      kept = await this.log.readAfter(callId, to, afterSeq);
    } catch (error) {
      await live.return?.();
      throw error;
    }
    const { entries, firstKept } = kept;
    const queue: SignalEnvelope[] = [];
    if (afterSeq + 1 < firstKept) {
      queue.push({ seq: firstKept - 1, callId, from: '', to, kind: 'RESYNC', payload: '', at: Date.now() });
    }
    queue.push(...entries);
    let last = queue.at(-1)?.seq ?? afterSeq;
    const log = this.log;
    const iterator: AsyncIterableIterator<SignalEnvelope> = {
      async next() {
        for (;;) {
          const queued = queue.shift();
          if (queued) {
            last = Math.max(last, queued.seq);
            return { value: queued, done: false };
          }
          const result = await live.next();
          if (result.done) return result;
          const seq = result.value.seq;
          if (seq <= last) continue;
          if (seq > last + 1) {
            // A live entry overtook ones not yet seen: read the gap from the log, in order, saying
            // RESYNC first if part of it was no longer kept.
            const gap = await log.readAfter(callId, to, last);
            if (gap.firstKept > last + 1) {
              queue.push({ seq: Math.min(gap.firstKept, seq) - 1, callId, from: '', to, kind: 'RESYNC', payload: '', at: Date.now() });
            }
            queue.push(...gap.entries.filter((e) => e.seq <= seq));
            if (queue.at(-1)?.seq !== seq) queue.push(result.value);
            continue;
          }
          last = seq;
          return { value: result.value, done: false };
        }
      },
      async return() {
        await live.return?.();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
