import type { PubSub } from '../pubsub/pubsub.js';
import type { SignalEnvelope } from './signal.js';
import { inboxTopic, type SignalLog } from './signal-log.js';

/**
 * A kept signal, its payload as UTF-8 in a Buffer. The bytes live outside the JS heap, so the
 * young-generation collector does not copy and promote every kept payload (the whole reconnect
 * window of them): kept as strings, at 4000 signals/s, each scavenge promoted 1.9 MB instead of
 * 0.4 MB and paused the loop 8-11 ms instead of 3-4 (bench/README.md).
 */
interface Kept {
  seq: number;
  at: number;
  from: string;
  kind: SignalEnvelope['kind'];
  payload: Buffer;
}

interface Inbox {
  callId: string;
  to: string;
  nextSeq: number;
  /** Kept entries from `head` on, oldest first; those before `head` have expired. */
  entries: Kept[];
  head: number;
  lastAppendAt: number;
}

/** How long an idle inbox keeps its numbering: longer than any call, so seq never restarts mid-call. */
export const INBOX_IDLE_MS = 12 * 3_600_000;

/** The one-process {@link SignalLog}: inboxes in a Map, pruned by age as they are touched and by a sweep. */
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
    const inbox = this.inboxes.get(key) ?? { callId: signal.callId, to: signal.to, nextSeq: 1, entries: [], head: 0, lastAppendAt: 0 };
    this.inboxes.set(key, inbox);
    const at = Date.now();
    this.prune(inbox, at);
    inbox.lastAppendAt = at;
    const envelope: SignalEnvelope = { seq: inbox.nextSeq++, callId: signal.callId, from: signal.from, to: signal.to, kind: signal.kind, payload: signal.payload, at };
    inbox.entries.push({ seq: envelope.seq, at, from: signal.from, kind: signal.kind, payload: Buffer.from(signal.payload, 'utf8') });
    await this.pubsub.publish(key, envelope);
    return envelope;
  }

  async readAfter(callId: string, to: string, afterSeq: number) {
    const inbox = this.inboxes.get(inboxTopic(callId, to));
    if (!inbox) return { entries: [], firstKept: 1 };
    this.prune(inbox, Date.now());
    const entries: SignalEnvelope[] = [];
    for (let i = inbox.head; i < inbox.entries.length; i++) {
      const e = inbox.entries[i]!;
      if (e.seq > afterSeq) entries.push({ seq: e.seq, at: e.at, callId: inbox.callId, from: e.from, to: inbox.to, kind: e.kind, payload: e.payload.toString('utf8') });
    }
    return { entries, firstKept: inbox.entries[inbox.head]?.seq ?? inbox.nextSeq };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.inboxes.clear();
  }

  /**
   * Drops entries older than the retention. Expiring moves `head` (each append expires about one
   * entry once the window is full, so shifting the array every time would cost its whole length);
   * the array is compacted once the expired part is as long as the kept one.
   */
  private prune(inbox: Inbox, now: number): void {
    const cutoff = now - this.retentionMs;
    const { entries } = inbox;
    while (inbox.head < entries.length && entries[inbox.head]!.at < cutoff) inbox.head++;
    if (inbox.head > 0 && inbox.head * 2 >= entries.length) {
      entries.splice(0, inbox.head);
      inbox.head = 0;
    }
  }

  /** Drops expired entries everywhere, and forgets inboxes idle for {@link INBOX_IDLE_MS}. */
  private sweep(): void {
    const now = Date.now();
    for (const [key, inbox] of this.inboxes) {
      this.prune(inbox, now);
      if (now - inbox.lastAppendAt > INBOX_IDLE_MS) this.inboxes.delete(key);
    }
  }
}
