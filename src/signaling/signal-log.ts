import type { SignalEnvelope, UnnumberedSignal } from './signal.js';

/** A value, or a promise of it when it could not be had at once. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The inboxes behind resume: per call and recipient, numbered signals kept for the reconnect
 * window and no longer (they carry network addresses).
 */
export interface SignalLog {
  /**
   * Numbers `signal` as the next entry of the (callId, to) inbox, stores it, and publishes it to
   * that inbox's live subscribers, atomically. Returns the stored envelope: at once when the
   * subscribers had it before this returned (one process), else a promise of it. A failure may
   * be thrown or rejected.
   */
  append(signal: UnnumberedSignal): MaybePromise<SignalEnvelope>;
  /**
   * Entries with seq > afterSeq still kept, oldest first. `firstKept` is the seq of the oldest
   * entry kept (or the next seq when none is), so a caller can tell what was already dropped;
   * `nextSeq` is the seq the next entry will get, so a caller can tell an `afterSeq` the inbox
   * never reached (its numbering started again: a restart of a one-process service, or a Redis
   * that lost its data); `epoch` is that of the inbox's numbering, started by this read when the
   * inbox had none, so a caller can tell a numbering that started again even once it passed the
   * caller's `afterSeq`.
   */
  readAfter(callId: string, to: string, afterSeq: number): Promise<InboxRead>;
  /** The topic on which `append` publishes entries of this inbox. */
  topic(callId: string, to: string): string;
  close(): Promise<void>;
}

/** What {@link SignalLog.readAfter} found. */
export interface InboxRead {
  entries: SignalEnvelope[];
  firstKept: number;
  nextSeq: number;
  epoch: number;
}

export const inboxTopic = (callId: string, to: string) => `call:${callId}:signals:${to}`;
