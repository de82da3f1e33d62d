/**
 * Topic-addressed publish/subscribe, the one seam between this process and its peers. Topics are
 * per recipient or per call (see `topics`), never one global topic filtered per subscriber.
 * Payloads are small plain JSON objects, never entities.
 */
export interface PubSub {
  publish(topic: string, payload: object): Promise<void>;
  /**
   * Resolves once the subscription is live with the function that ends it. Each payload published
   * to `topic` is handed to `sink.next` as it arrives, synchronously, in order; `sink.end` runs
   * once if the pub/sub ends the subscription itself (it is closing), never after the returned
   * function was called. A sink that throws is ended with that error. Nothing is queued here: a
   * consumer that cannot keep up must bound its own buffer (see `subscriberQueue`).
   */
  listen<T extends object>(topic: string, sink: Sink<T>): Promise<() => Promise<void>>;
  /**
   * Resolves once the subscription is live (later publishes reach it) with an iterator of the
   * payloads published to `topic`. Returning from the iterator unsubscribes.
   */
  subscribe<T extends object>(topic: string): Promise<AsyncIterableIterator<T>>;
  close(): Promise<void>;
}

/** A push consumer: `next` for each item, in order, then `end` at most once (with what ended it, if anything failed). */
export interface Sink<T> {
  next(item: T): void;
  end(error?: unknown): void;
}

/**
 * Hands `item` to `sink`; a sink that throws is ended with the error instead of the throw
 * reaching the publisher. Returns false when it threw (the caller drops the sink).
 */
export function offer<T>(sink: Sink<T>, item: T): boolean {
  try {
    sink.next(item);
    return true;
  } catch (error) {
    endQuietly(sink, error);
    return false;
  }
}

/** Ends `sink`; one that throws while ending is dropped all the same (the others still get ended). */
export function endQuietly(sink: Sink<unknown>, error?: unknown): void {
  try {
    sink.end(error);
  } catch {
    // Nothing more can be done for it.
  }
}

export const topics = {
  /** Calls ringing for one user, on every device the user has open. */
  incomingCall: (userId: string) => `user:${userId}:incoming`,
  /** Status and presence changes of one call, for its participants. */
  callEvents: (callId: string) => `call:${callId}:events`,
  /** Quality warnings and stats requests of one call, for its participants. */
  qualityWarnings: (callId: string) => `call:${callId}:quality`,
};
