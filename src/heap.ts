import v8 from 'node:v8';

/**
 * How far the old generation may grow past what the last full collection left before V8 starts
 * the next one: to (1 + percent / 100) times the live heap (V8's `--heap-growing-percent`). 0 gives
 * the choice back to V8.
 *
 * Why the service sets it (bench/README.md, "Tenth session"): V8 begins marking as soon as the
 * room left under its limit is smaller than the young generation, since one scavenge could
 * promote all of it. Node's young generation is 64 MiB here, and V8's own factor for this
 * service fell to 1.3-1.5 once its memory reducer had run, leaving 20-25 MiB of room over a live
 * heap of about 50 MiB. Under signaling load the heap then went through a full mark-compact every
 * 1-4 s whatever it allocated, and those pauses (7-25 ms each) set the relay's p99. At 200 the
 * room is twice the live heap, and a full collection comes only when the heap has truly grown.
 * The price is memory: the heap may reach three times its live size before it is collected.
 *
 * Process-wide and read by V8 at each full collection, so setting it after start takes effect.
 */
export function setHeapGrowth(percent: number): void {
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
