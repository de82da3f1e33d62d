import { SignalKind, utf8SizeBeyond, type SignalEnvelope } from './signal.js';

const KINDS: SignalEnvelope['kind'][] = [...Object.values(SignalKind), 'RESYNC'];
/** Entries an inbox makes room for at first; it doubles as it fills. */
const FIRST_CAPACITY = 16;
/** Bytes of the first payload chunk of an inbox; each next one is twice as large, up to MAX_CHUNK. */
const FIRST_CHUNK = 1024;
const MAX_CHUNK = 64 * 1024;
/** Bytes of unused chunks the pool below may hold; beyond it, a chunk given back is left to the collector. */
const POOL_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Payload chunks no inbox needs any more, by size, for the next inbox that needs one. A chunk's
 * memory lies outside the JS heap, and V8 counts it as external memory: when external memory has
 * grown by about 64 MiB since the last full collection, V8 starts another one ("external memory
 * pressure"). Without reuse, every 30 s window of signals was new memory, and at 4000 signals a
 * second that started a full collection every 35-40 s (bench/README.md, eleventh session). Reused,
 * the memory of a steady load stays the same. Only the sizes inboxes grow through are kept (powers
 * of two from FIRST_CHUNK to MAX_CHUNK); a chunk is zeroed when given back, pooled or not, so one
 * call's signals never lie in memory another call writes to, nor in memory the collector frees.
 */
const pool = new Map<number, Buffer[]>();
let pooledBytes = 0;
let chunksAllocated = 0;

/** A chunk of `size` bytes: one from the pool when it has one, else a new one. Exported for tests. */
export function takeChunk(size: number): Buffer {
  const reused = pool.get(size)?.pop();
  if (reused) {
    pooledBytes -= size;
    return reused;
  }
  chunksAllocated++;
  return Buffer.allocUnsafeSlow(size);
}

function giveChunks(chunks: Buffer[]): void {
  for (const chunk of chunks) {
    // Zeroed whether it is kept or left to the collector: what it held carries network addresses.
    chunk.fill(0);
    const size = chunk.length;
    // Up to MAX_CHUNK every chunk is a power of two (chunkSizeFor, then doubling); beyond, one payload's own size.
    if (size > MAX_CHUNK || !makeRoom(size)) continue;
    let free = pool.get(size);
    if (!free) pool.set(size, (free = []));
    free.push(chunk);
    pooledBytes += size;
  }
}

/**
 * Whether the pool can take a chunk of `size`, making room for it by leaving smaller pooled chunks
 * to the collector when it is full. Inboxes take small chunks only while they are new, growing
 * toward MAX_CHUNK; a steady stream takes and gives back the largest. Without this, the pool
 * filled up with small chunks from the start of every call, refused the large ones given back,
 * and a steady load at 4000 signals a second kept allocating some 9 chunks of 64 KiB a second
 * while 6 MiB of small ones sat unused (bench/README.md, fourteenth session).
 */
function makeRoom(size: number): boolean {
  const full = () => pooledBytes + size > POOL_MAX_BYTES;
  for (let smaller = FIRST_CHUNK; smaller < size && full(); smaller *= 2) {
    const free = pool.get(smaller) ?? [];
    for (; free.length > 0 && full(); pooledBytes -= smaller) free.pop();
  }
  return !full();
}

/** Chunks allocated so far in this process, and bytes waiting in the pool for reuse. */
export function keptChunkStats(): { allocated: number; pooledBytes: number } {
  return { allocated: chunksAllocated, pooledBytes };
}

/** The chunk size for a payload of `bytes`: a power of two from FIRST_CHUNK up, or `bytes` itself beyond MAX_CHUNK. */
function chunkSizeFor(bytes: number): number {
  if (bytes > MAX_CHUNK) return bytes;
  let size = FIRST_CHUNK;
  while (size < bytes) size *= 2;
  return size;
}

/** One kept signal as stored: what `append` was given, numbered and stamped. */
export interface KeptSignal {
  seq: number;
  at: number;
  from: string;
  kind: SignalEnvelope['kind'];
  payload: string;
}

/**
 * The signals one inbox keeps for resume, oldest first, with no JavaScript object per signal:
 * times, senders, kinds and where each payload lies are in typed arrays, and the payloads are
 * UTF-8 in a few shared Buffers. The reconnect window holds every signal for 30 s; kept as one
 * object (and one Buffer) each, every young-generation collection copied and promoted all that
 * arrived since the last one, and its pauses set the relay's p99 (bench/README.md). Seqs are
 * consecutive, so they are not stored: the entry at `head` has seq `headSeq`.
 */
export class KeptSignals {
  private at = new Float64Array(FIRST_CAPACITY);
  private chunkOf = new Uint32Array(FIRST_CAPACITY);
  private offset = new Uint32Array(FIRST_CAPACITY);
  private bytes = new Uint32Array(FIRST_CAPACITY);
  private sender = new Uint32Array(FIRST_CAPACITY);
  private kind = new Uint8Array(FIRST_CAPACITY);
  /** Entries [head, length) are kept; those before head have expired. */
  private head = 0;
  private length = 0;
  private headSeq = 1;
  /** Payload chunks; chunks[0] has the id chunkBase, ids only grow. */
  private chunks: Buffer[] = [];
  private chunkBase = 0;
  private written = 0;
  private readonly senders: string[] = [];

  /** The seq the next appended signal gets. */
  get nextSeq(): number {
    return this.headSeq + (this.length - this.head);
  }

  /** The seq of the oldest kept signal, or the next seq when none is kept. */
  get firstKept(): number {
    return this.headSeq;
  }

  /** Keeps a signal as the next entry; returns its seq. */
  append(at: number, from: string, kind: SignalEnvelope['kind'], payload: string): number {
    // Full: the kept entries move into arrays twice their number.
    if (this.length === this.at.length) this.resize(Math.max(FIRST_CAPACITY, (this.length - this.head) * 2));
    const i = this.length++;
    this.at[i] = at;
    let sender = this.senders.indexOf(from);
    if (sender < 0) sender = this.senders.push(from) - 1;
    this.sender[i] = sender;
    // A scan of seven: cheaper than hashing the kind, which is nearly always one of the constants itself.
    const kindIndex = KINDS.indexOf(kind);
    if (kindIndex < 0) throw new Error(`not a signal kind: ${kind}`);
    this.kind[i] = kindIndex;
    let chunk = this.chunks[this.chunks.length - 1];
    const room = chunk ? chunk.length - this.written : 0;
    const size = utf8SizeBeyond(payload, room);
    if (!chunk || size > room) {
      chunk = takeChunk(Math.max(chunkSizeFor(size), chunk ? Math.min(MAX_CHUNK, chunk.length * 2) : 0));
      this.chunks.push(chunk);
      this.written = 0;
    }
    const bytes = chunk.write(payload, this.written, 'utf8');
    this.chunkOf[i] = this.chunkBase + this.chunks.length - 1;
    this.offset[i] = this.written;
    this.bytes[i] = bytes;
    this.written += bytes;
    return this.nextSeq - 1;
  }

  /** Kept signals with seq > afterSeq, oldest first. */
  after(afterSeq: number): KeptSignal[] {
    const out: KeptSignal[] = [];
    for (let i = Math.max(this.head, this.head + afterSeq - this.headSeq + 1); i < this.length; i++) {
      const chunk = this.chunks[this.chunkOf[i]! - this.chunkBase]!;
      out.push({
        seq: this.headSeq + (i - this.head),
        at: this.at[i]!,
        from: this.senders[this.sender[i]!]!,
        kind: KINDS[this.kind[i]!]!,
        payload: chunk.toString('utf8', this.offset[i], this.offset[i]! + this.bytes[i]!),
      });
    }
    return out;
  }

  /** Forgets the signals accepted before `cutoff` (epoch ms), oldest first. */
  expire(cutoff: number): void {
    const start = this.head;
    while (this.head < this.length && this.at[this.head]! < cutoff) this.head++;
    if (this.head === start) return;
    this.headSeq += this.head - start;
    if (this.head === this.length) {
      // Nothing kept (a call that ended, an idle inbox): its memory goes back, numbering stays.
      this.chunkBase += this.chunks.length;
      giveChunks(this.chunks);
      this.chunks = [];
      this.written = 0;
      this.resize(FIRST_CAPACITY);
      return;
    }
    // Chunks holding only expired payloads are dropped (and zeroed, see giveChunks). In the chunk
    // the oldest kept one shares, the expired payloads are zeroed now: they carry network
    // addresses, and must not outlive the window in memory either.
    const firstNeeded = this.chunkOf[this.head]!;
    for (let i = start; i < this.head; i++) {
      if (this.chunkOf[i]! < firstNeeded) continue;
      this.chunks[this.chunkOf[i]! - this.chunkBase]!.fill(0, this.offset[i], this.offset[i]! + this.bytes[i]!);
    }
    if (firstNeeded > this.chunkBase) {
      giveChunks(this.chunks.splice(0, firstNeeded - this.chunkBase));
      this.chunkBase = firstNeeded;
    }
    // Compacted once the expired part is as long as the kept one, so expiring is O(1) on average;
    // arrays four times larger than what they keep shrink to twice.
    if (this.head * 2 >= this.length) {
      const kept = this.length - this.head;
      if (this.at.length > FIRST_CAPACITY && kept * 4 <= this.at.length) this.resize(Math.max(FIRST_CAPACITY, kept * 2));
      else this.compact();
    }
  }

  /** Whether any of this inbox's payload chunks holds `text` (UTF-8), kept or expired: for tests of what stays in memory. */
  holds(text: string): boolean {
    return this.chunks.some((chunk) => chunk.includes(text, 0, 'utf8'));
  }

  /** Bytes this inbox holds: payload chunks and the arrays that index them. */
  retainedBytes(): number {
    let bytes = 0;
    for (const chunk of this.chunks) bytes += chunk.length;
    for (const array of this.arrays()) bytes += array.byteLength;
    return bytes;
  }

  private compact(): void {
    for (const array of this.arrays()) array.copyWithin(0, this.head, this.length);
    this.length -= this.head;
    this.head = 0;
  }

  /** The per-entry arrays, in no particular order. */
  private arrays(): (Float64Array | Uint32Array | Uint8Array)[] {
    return [this.at, this.chunkOf, this.offset, this.bytes, this.sender, this.kind];
  }

  /** Moves the kept entries to the front of new arrays of `capacity` entries. */
  private resize(capacity: number): void {
    const kept = <T extends Float64Array | Uint32Array | Uint8Array>(array: T, larger: T): T => {
      larger.set(array.subarray(this.head, this.length));
      return larger;
    };
    this.at = kept(this.at, new Float64Array(capacity));
    this.chunkOf = kept(this.chunkOf, new Uint32Array(capacity));
    this.offset = kept(this.offset, new Uint32Array(capacity));
    this.bytes = kept(this.bytes, new Uint32Array(capacity));
    this.sender = kept(this.sender, new Uint32Array(capacity));
    this.kind = kept(this.kind, new Uint8Array(capacity));
    this.length -= this.head;
    this.head = 0;
  }
}
