/**
 * Yields `first` and then whatever `live` yields, skipping live items whose `key` was already
 * yielded from `first`. Subscribe to `live` before reading `first` from the database, and nothing
 * that happens in between is missed or delivered twice. Returning ends `live` too.
 */
export function replayThenLive<T>(first: T[], live: AsyncIterableIterator<T>, key?: (item: T) => string): AsyncIterableIterator<T> {
  const seen = new Set(key ? first.map(key) : []);
  const queue = [...first];
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      const replayed = queue.shift();
      if (replayed !== undefined) return { value: replayed, done: false };
      for (;;) {
        const result = await live.next();
        if (result.done || !key || !seen.has(key(result.value))) return result;
        seen.delete(key(result.value));
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

/** Yields what `source` yields except the items `skip` picks out. Returning ends `source` too. */
export function skipping<T>(source: AsyncIterableIterator<T>, skip: (item: T) => boolean): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done || !skip(result.value)) return result;
      }
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
