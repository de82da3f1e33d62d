import type { PubSub } from '../pubsub/pubsub.js';
import type { SignalEnvelope } from './signal.js';
import { KeptSignals } from './kept-signals.js';
import { inboxTopic, type SignalLog } from './signal-log.js';

interface Inbox {
  kept: KeptSignals;
  lastAppendAt: number;
}

/** How long an idle inbox keeps its numbering: longer than any call, so seq never restarts mid-call. */
export const INBOX_IDLE_MS = 12 * 3_600_000;

/**
 * The one-process {@link SignalLog}: inboxes in a Map, their signals kept off the JS heap
 * ({@link KeptSignals}), expired by age as they are touched and by a sweep.
 */
export class MemorySignalLog implements SignalLog {
  private readonly inboxes = new Map<string, Inbox>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly pubsub: PubSub,
    private readonly retentionMs: number,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(1_000, retentionMs)).unref();
  }

  topic(callId: string, to: string): string {
    return inboxTopic(callId, to);
  }

  async append(signal: Omit<SignalEnvelope, 'seq' | 'at'>): Promise<SignalEnvelope> {
    const key = inboxTopic(signal.callId, signal.to);
    let inbox = this.inboxes.get(key);
    if (!inbox) this.inboxes.set(key, (inbox = { kept: new KeptSignals(), lastAppendAt: 0 }));
    const at = Date.now();
    inbox.kept.expire(at - this.retentionMs);
    inbox.lastAppendAt = at;
    const seq = inbox.kept.append(at, signal.from, signal.kind, signal.payload);
    const envelope: SignalEnvelope = { seq, callId: signal.callId, from: signal.from, to: signal.to, kind: signal.kind, payload: signal.payload, at };
    await this.pubsub.publish(key, envelope);
    return envelope;
  }

  async readAfter(callId: string, to: string, afterSeq: number) {
    const inbox = this.inboxes.get(inboxTopic(callId, to));
    if (!inbox) return { entries: [], firstKept: 1 };
    inbox.kept.expire(Date.now() - this.retentionMs);
    return {
      entries: inbox.kept.after(afterSeq).map((e): SignalEnvelope => ({ ...e, callId, to })),
      firstKept: inbox.kept.firstKept,
    };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.inboxes.clear();
  }

  /** Drops expired entries everywhere, and forgets inboxes idle for {@link INBOX_IDLE_MS}. */
  private sweep(): void {
    const now = Date.now();
    for (const [key, inbox] of this.inboxes) {
      inbox.kept.expire(now - this.retentionMs);
      if (now - inbox.lastAppendAt > INBOX_IDLE_MS) this.inboxes.delete(key);
    }
  }
}
