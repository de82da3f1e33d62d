/** One subscriber's end of a topic: `deliver` feeds it, `iterator` drains it, `stop` ends it. */
export interface SubscriberQueue<T> {
  deliver(payload: T): void;
  /** Ends the subscription (idempotent): a pending `next()` resolves done, then `onEnd` runs. */
  stop(): Promise<void>;
  iterator: AsyncIterableIterator<T>;
}

/**
 * A subscriber's own bounded queue, so a slow reader does not hold up the others: a queue that
 * would grow beyond `maxQueued` ends the subscription (`onOverflow`, then `stop`) instead of
 * growing without bound. Returning from the iterator stops it too.
 */
export function subscriberQueue<T>(maxQueued: number, onEnd: () => void | Promise<void>, onOverflow?: () => void): SubscriberQueue<T> {
  const queue: T[] = [];
  let wake: ((result: IteratorResult<T>) => void) | undefined;
  let done = false;
  const stop = async () => {
    if (done) return;
    done = true;
    wake?.({ value: undefined, done: true });
    wake = undefined;
    await onEnd();
  };
  const deliver = (payload: T) => {
    if (done) return;
    if (wake) {
      const resolve = wake;
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
      const value = queue.shift();
      if (value !== undefined) return Promise.resolve({ value, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (wake = resolve));
    },
    return: async () => {
      await stop();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return { deliver, stop, iterator };
}
