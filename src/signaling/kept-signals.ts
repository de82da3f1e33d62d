import { SignalKind, utf8SizeBeyond, type SignalEnvelope } from './signal.js';

const KINDS: SignalEnvelope['kind'][] = [...Object.values(SignalKind), 'RESYNC'];
const KIND_INDEX = new Map(KINDS.map((kind, i) => [kind, i]));
/** Entries an inbox makes room for at first; it doubles as it fills. */
const FIRST_CAPACITY = 16;
/** Bytes of the first payload chunk of an inbox; each next one is twice as large, up to MAX_CHUNK. */
const FIRST_CHUNK = 1024;
const MAX_CHUNK = 64 * 1024;

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
    const kindIndex = KIND_INDEX.get(kind);
    if (kindIndex === undefined) throw new Error(`not a signal kind: ${kind}`);
    this.kind[i] = kindIndex;
    let chunk = this.chunks[this.chunks.length - 1];
    const room = chunk ? chunk.length - this.written : 0;
    const size = utf8SizeBeyond(payload, room);
    if (!chunk || size > room) {
      chunk = Buffer.allocUnsafeSlow(Math.max(size, chunk ? Math.min(MAX_CHUNK, chunk.length * 2) : FIRST_CHUNK));
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
      this.chunks = [];
      this.written = 0;
      this.resize(FIRST_CAPACITY);
      return;
    }
    // Chunks holding only expired payloads are dropped.
    const firstNeeded = this.chunkOf[this.head]!;
    if (firstNeeded > this.chunkBase) {
      this.chunks.splice(0, firstNeeded - this.chunkBase);
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
