import type { PubSub, Sink } from '../pubsub/pubsub.js';
import type { SignalEnvelope, UnnumberedSignal } from './signal.js';
import type { InboxRead, MaybePromise, SignalLog } from './signal-log.js';

/** An inbox opened for delivery: nothing reaches the sink before `start`; `stop` ends it (idempotent). */
export interface OpenInbox {
  start(): void;
  stop(): Promise<void>;
}

/** Envelopes an iterator reader may have waiting before its stream is ended (it resumes with afterSeq and epoch). */
export const MAX_QUEUED_SIGNALS = 1_000;
/** Reads of the log that may find a gap still open before it is reported as RESYNC. */
const GAP_READS = 3;

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

  /** Appends to the recipient's inbox (see {@link SignalLog.append}: the envelope at once, or a promise of it). */
  send(signal: UnnumberedSignal): MaybePromise<SignalEnvelope> {
    return this.log.append(signal);
  }

  /**
   * Opens the (callId, to) inbox after `afterSeq` for `sink`, pushing each entry to it as it is
   * published: no queue and no promise per signal. Listens for live entries before reading the
   * kept ones, so nothing appended in between is lost; seq filtering drops what both delivered.
   * A live entry that overtakes ones not yet seen (a lost pub/sub message) makes it read the gap
   * from the log, holding what arrives meanwhile. When entries after what was delivered were
   * already dropped, the sink gets a RESYNC envelope first; so it does when the inbox's numbering
   * started again (an `epoch` other than the inbox's, or an `afterSeq` beyond anything it
   * numbered), and then every entry kept. `epoch` is the one of the signal whose seq is
   * `afterSeq`, or null when the caller has none (then the inbox's is taken). Rejects if the
   * first read fails; a later failed read ends the sink with the error.
   */
  async openPush(callId: string, to: string, afterSeq: number, epoch: number | null, sink: Sink<SignalEnvelope>): Promise<OpenInbox> {
    const log = this.log;
    let last = afterSeq;
    let stopped = false;
    let started = false;
    /** Live entries waiting for a read of the log (or for start), in arrival order; null when none wait. */
    let held: SignalEnvelope[] | null = [];

    const emit = (envelope: SignalEnvelope) => {
      last = envelope.seq;
      epoch = envelope.epoch;
      sink.next(envelope);
    };
    const resync = (seq: number, inEpoch: number) => emit({ seq, callId, from: '', to, kind: 'RESYNC', payload: '', at: Date.now(), epoch: inEpoch });
    /** Delivers what the log holds after `last`, then the held live entries, reading again while a gap remains. */
    const catchUp = async (read: InboxRead | null): Promise<void> => {
      for (let reads = 0; !stopped; reads++) {
        const { entries, firstKept, nextSeq, epoch: inboxEpoch } = read ?? (await log.readAfter(callId, to, last));
        read = null;
        if (stopped) return;
        epoch ??= inboxEpoch;
        if (inboxEpoch !== epoch || nextSeq <= last) {
          // The inbox's numbering started again (a one-process service restarted, a Redis lost
          // its data): whatever it keeps is news to this reader, which would otherwise drop every
          // new signal up to its old seq. RESYNC in the new numbering, then all of it, read again
          // after the new `last`. Never above the new numbering: the next read then finds this
          // reader behind it.
          resync(Math.min(firstKept, nextSeq) - 1, inboxEpoch);
          continue;
        }
        if (firstKept > last + 1) resync(firstKept - 1, epoch);
        for (const entry of entries) if (entry.seq > last) emit(entry);
        const waiting = held ?? [];
        let at = 0;
        for (; at < waiting.length; at++) {
          const entry = waiting[at]!;
          if (entry.epoch !== epoch) {
            // Of another numbering than the one read. An earlier one was published before the
            // read that found a later one: dropped. A later one needs another read, unless read
            // after read the log has none: then it is of a numbering the log lost, and dropped.
            if (entry.epoch < epoch || reads >= GAP_READS) continue;
            break;
          }
          if (entry.seq <= last) continue;
          if (entry.seq !== last + 1) break;
          emit(entry);
        }
        if (at === waiting.length) {
          held = null;
          return;
        }
        held = waiting.slice(at);
        // A log stores before it publishes, so a fresh read fills any gap a lost pub/sub message
        // left. One that stays after a few reads is a log that lost entries: say so and go on.
        if (reads >= GAP_READS) resync(held[0]!.seq - 1, epoch);
        else if (reads > 0) await new Promise((resolve) => setTimeout(resolve, 20 * reads));
      }
    };
    let unlisten: (() => Promise<void>) | undefined;
    /** Ends delivery from here (a failed read, too much held): stops listening, then tells the sink. */
    const end = (error?: unknown) => {
      if (stopped) return;
      stopped = true;
      void unlisten?.().catch(() => undefined);
      sink.end(error);
    };
    unlisten = await this.pubsub.listen<SignalEnvelope>(this.log.topic(callId, to), {
      next: (entry) => {
        if (stopped) return;
        if (held) {
          // Waiting on the database (presence) or the log: bounded like any reader's queue; the client resumes with afterSeq and epoch.
          if (held.length >= MAX_QUEUED_SIGNALS) return void end();
          held.push(entry);
          return;
        }
        if (entry.seq === last + 1 && entry.epoch === epoch) return emit(entry);
        // Ahead of what was delivered (a lost pub/sub message), or not after it: most often one
        // the first read delivered too, but also one of a numbering that started again under
        // this open stream (a Redis that lost its data). A read of the log tells which.
        held = [entry];
        catchUp(null).catch(end);
      },
      end: (error) => {
        if (stopped) return;
        stopped = true;
        sink.end(error);
      },
    });
    const stopListening = unlisten;
    // Ended before listening was handed back (too much held at once): stop listening now.
    if (stopped) await stopListening();
    let first: InboxRead;
    try {
      first = await log.readAfter(callId, to, afterSeq);
    } catch (error) {
      stopped = true;
      await stopListening();
      throw error;
    }
    return {
      start: () => {
        if (started || stopped) return;
        started = true;
        catchUp(first).catch(end);
      },
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stopListening();
      },
    };
  }
}
