import { PUBLISHED } from '../pubsub/memory-pubsub.js';
import type { PubSub } from '../pubsub/pubsub.js';
import type { SignalEnvelope, UnnumberedSignal } from './signal.js';
import { KeptSignals } from './kept-signals.js';
import { inboxTopic, type InboxRead, type MaybePromise, type SignalLog } from './signal-log.js';

interface Inbox {
  kept: KeptSignals;
  /** The epoch of its numbering (see {@link SignalEnvelope.epoch}). */
  epoch: number;
  lastAppendAt: number;
  /** Its topic, made once: publishing to it then costs no string building or hashing per signal. */
  topic: string;
}

/** How long an idle inbox keeps its numbering: longer than any call, so seq never restarts mid-call. */
export const INBOX_IDLE_MS = 12 * 3_600_000;

let lastEpoch = 0;
/** The epoch of a numbering that starts now: the clock in ms, above every one given before in this process. */
function newEpoch(): number {
  lastEpoch = Math.max(Date.now(), lastEpoch + 1);
  return lastEpoch;
}

/**
 * The one-process {@link SignalLog}: inboxes in Maps by call and recipient, their signals kept off the JS heap
 * ({@link KeptSignals}), expired by age as they are touched and by a sweep.
 */
export class MemorySignalLog implements SignalLog {
  /** Inboxes by call, then by recipient. */
  private readonly calls = new Map<string, Map<string, Inbox>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly pubsub: PubSub,
    private readonly retentionMs: number,
  ) {
    // Four sweeps a window: an inbox nobody touches keeps a signal at most a quarter window too long.
    this.sweeper = setInterval(() => this.sweep(), Math.max(250, Math.floor(retentionMs / 4))).unref();
  }

  topic(callId: string, to: string): string {
    return inboxTopic(callId, to);
  }

  /** The (callId, to) inbox, its numbering started when it has none yet (by a reader too: both then agree on its epoch). */
  private inbox(callId: string, to: string): Inbox {
    let inboxes = this.calls.get(callId);
    if (!inboxes) this.calls.set(callId, (inboxes = new Map()));
    let inbox = inboxes.get(to);
    if (!inbox) inboxes.set(to, (inbox = { kept: new KeptSignals(), epoch: newEpoch(), lastAppendAt: Date.now(), topic: inboxTopic(callId, to) }));
    return inbox;
  }

  append(signal: UnnumberedSignal): MaybePromise<SignalEnvelope> {
    const inbox = this.inbox(signal.callId, signal.to);
    const at = Date.now();
    inbox.kept.expire(at - this.retentionMs);
    inbox.lastAppendAt = at;
    const seq = inbox.kept.append(at, signal.from, signal.kind, signal.payload);
    const envelope: SignalEnvelope = {
      seq, callId: signal.callId, from: signal.from, to: signal.to, kind: signal.kind, payload: signal.payload, at, epoch: inbox.epoch,
    };
    const published = this.pubsub.publish(inbox.topic, envelope);
    // Over the in-process pub/sub a signal is relayed by the time publish returns: the envelope is
    // returned as it is, with no promise and no turn of the microtask queue per signal.
    return published === PUBLISHED ? envelope : published.then(() => envelope);
  }

  async readAfter(callId: string, to: string, afterSeq: number): Promise<InboxRead> {
    const { kept, epoch } = this.inbox(callId, to);
    kept.expire(Date.now() - this.retentionMs);
    return {
      entries: kept.after(afterSeq).map((e): SignalEnvelope => ({ ...e, callId, to, epoch })),
      firstKept: kept.firstKept,
      nextSeq: kept.nextSeq,
      epoch,
    };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.calls.clear();
  }

  /** Drops expired entries everywhere, and forgets inboxes idle for {@link INBOX_IDLE_MS}. */
  private sweep(): void {
    const now = Date.now();
    for (const [callId, inboxes] of this.calls) {
      for (const [to, inbox] of inboxes) {
        inbox.kept.expire(now - this.retentionMs);
        if (now - inbox.lastAppendAt > INBOX_IDLE_MS) inboxes.delete(to);
      }
      if (inboxes.size === 0) this.calls.delete(callId);
    }
  }
}
