import v8 from 'node:v8';

/**
 * How far the old generation may grow past what the last full collection left before V8 starts
 * the next one: to (1 + percent / 100) times the live heap (V8's `--heap-growing-percent`). 0 gives
 * the choice back to V8. A `--heap-growing-percent` given on node's command line stands: this then
 * does nothing (node refuses it in NODE_OPTIONS).
 *
 * Why the service sets it (bench/README.md, "Tenth session"): under signaling load, with V8's
 * own factor, the heap went through a full mark-compact every 1-4 s although each left the same
 * 47-51 MiB live, and those pauses (7-25 ms) set the relay's p99. V8 started each from its
 * marking task with the old generation at 40-45% of its limit (48-54 of 119-123 MiB): it starts
 * marking early once the room left under the limit is about the young generation's capacity
 * (64 MiB in this Node build; `Heap::IncrementalMarkingLimitReached`). At 200 the room is twice
 * the live heap, and in the bench a full collection came every 35-40 s instead.
 *
 * The price is memory: the old generation may reach three times its live size (plus the young
 * generation) before it is collected, and V8's memory-saving modes (its memory reducer on an idle
 * process, a low-memory notification) no longer lower the factor.
 *
 * The flag is process-wide and V8 reads it at each full collection, so it takes effect when set
 * after start; several services started in one process (tests) share the last one's setting.
 */
export function setHeapGrowth(percent: number): void {
  if (process.execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
