import type { Sink } from './pubsub.js';

/** One subscriber's end of a topic: `deliver` feeds it, `iterator` drains it, `stop` ends it. */
export interface SubscriberQueue<T> {
  deliver(payload: T): void;
  /** Ends the subscription (idempotent): a pending `next()` resolves done, then `onEnd` runs. */
  stop(): Promise<void>;
  /** Ends it with an error: what is queued is still yielded, then `next()` rejects with `error`. */
  fail(error: unknown): void;
  iterator: AsyncIterableIterator<T>;
}

/**
 * A subscriber's own bounded queue, so a slow reader does not hold up the others: a queue that
 * would grow beyond `maxQueued` ends the subscription (`onOverflow`, then `stop`) instead of
 * growing without bound. Returning from the iterator stops it too.
 */
export function subscriberQueue<T>(maxQueued: number, onEnd: () => void | Promise<void>, onOverflow?: () => void): SubscriberQueue<T> {
  const queue: T[] = [];
  let wake: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  let done = false;
  let failure: { error: unknown } | undefined;
  const stop = async () => {
    if (done) return;
    done = true;
    wake?.resolve({ value: undefined, done: true });
    wake = undefined;
    await onEnd();
  };
  const fail = (error: unknown) => {
    if (done || failure) return;
    failure = { error };
    if (wake) {
      wake.reject(error);
      wake = undefined;
      failure = undefined;
      void stop();
    }
  };
  const deliver = (payload: T) => {
    if (done || failure) return;
    if (wake) {
      const { resolve } = wake;
      wake = undefined;
      resolve({ value: payload, done: false });
    } else if (queue.length >= maxQueued) {
      onOverflow?.();
      void stop();
    } else {
      queue.push(payload);
    }
  };
  const iterator: AsyncIterableIterator<T> = {
    next: () => {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
      if (failure) {
        const { error } = failure;
        failure = undefined;
        void stop();
        return Promise.reject(error);
      }
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => (wake = { resolve, reject }));
    },
    return: async () => {
      await stop();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return { deliver, stop, fail, iterator };
}

/**
 * The pull view of a push source: `open` starts the source with a sink and resolves with the
 * function that stops it. Items wait in a {@link subscriberQueue} of at most `maxQueued`;
 * overflowing it ends the iterator, as it would end a subscription. The source's `end` ends the
 * iterator (rejecting its `next()` when it came with an error); returning from it stops the source.
 */
export async function pullFrom<T>(
  maxQueued: number,
  open: (sink: Sink<T>) => Promise<() => Promise<void>>,
  onOverflow?: () => void,
): Promise<AsyncIterableIterator<T>> {
  let stopSource: (() => Promise<void>) | undefined;
  let ended = false;
  const queue = subscriberQueue<T>(maxQueued, async () => {
    ended = true;
    await stopSource?.();
  }, onOverflow);
  stopSource = await open({
    next: queue.deliver,
    end: (error) => (error === undefined ? void queue.stop() : queue.fail(error)),
  });
  // Ended (overflowed) before the source was handed back: stop it now.
  if (ended) await stopSource();
  return queue.iterator;
}
