/**
 * A protobuf wire reader over one Buffer: varints in 32-bit halves (no BigInt on
 * the hot path), short ASCII strings shared through a cache, everything else
 * through Buffer's UTF-8 decoder.
 */
const TWO_32 = 4294967296;

/** Buffer's native slicers, which @types/node does not declare: one call, no intermediate strings. */
export type SlicingBuffer = Buffer & { utf8Slice(start: number, end: number): string; latin1Slice(start: number, end: number): string };

/** ASCII strings up to this length are shared through a direct-mapped cache (a process-wide one: decoding is synchronous). */
const INTERNED_MAX_LENGTH = 40;
const INTERNED_SLOTS = 4096;
const interned: string[] = new Array<string>(INTERNED_SLOTS).fill("");

export class ProtoReader {
  pos: number;
  end: number;
  /**
   * int64 values (and integers inside raw JSON) a double cannot hold exactly, as
   * decimal strings: the caller refuses the body rather than keep a changed number.
   */
  readonly inexactIntegers: string[] = [];

  readonly buf: SlicingBuffer;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.buf = buf as SlicingBuffer;
    this.pos = start;
    this.end = end;
  }

  /** Low 32 bits of the next varint, unsigned; sets `hi` to the high bits. */
  private hi = 0;
  private raw(): number {
    const buf = this.buf;
    let pos = this.pos;
    let b = buf[pos++];
    let lo = b & 127;
    if (b < 128) {
      this.pos = pos;
      this.hi = 0;
      return lo;
    }
    let shift = 7;
    for (; shift < 28; shift += 7) {
      b = buf[pos++];
      lo |= (b & 127) << shift;
      if (b < 128) {
        this.pos = pos;
        this.hi = 0;
        return lo >>> 0;
      }
    }
    // byte 5 carries bits 28..34: 4 into lo, 3 into hi
    b = buf[pos++];
    lo |= (b & 15) << 28;
    let hi = (b & 127) >> 4;
    if (b >= 128) {
      for (shift = 3; shift < 32; shift += 7) {
        b = buf[pos++];
        hi |= (b & 127) << shift;
        if (b < 128) break;
      }
    }
    if (pos > this.end) throw new Error("protobuf: truncated varint");
    this.pos = pos;
    this.hi = hi;
    return lo >>> 0;
  }

  uint32(): number {
    return this.raw();
  }

  /** int32 (ten-byte negatives keep their low 32 bits). */
  int32(): number {
    return this.raw() | 0;
  }

  int64(): number {
    const lo = this.raw();
    const hi = this.hi | 0;
    const v = hi * TWO_32 + lo;
    if (!Number.isSafeInteger(v) && this.inexactIntegers.length < 10) this.inexactIntegers.push(((BigInt(hi) << 32n) + BigInt(lo)).toString());
    return v;
  }

  bool(): boolean {
    return this.raw() !== 0;
  }

  double(): number {
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Length of the next length-delimited field, checked against the end. */
  length(): number {
    const n = this.raw();
    if (this.pos + n > this.end) throw new Error("protobuf: length-delimited field runs past the end");
    return n;
  }

  string(): string {
    const n = this.length();
    const start = this.pos;
    const end = start + n;
    this.pos = end;
    if (n > INTERNED_MAX_LENGTH) return this.buf.utf8Slice(start, end);
    // short strings repeat across a list (namespaces, label keys, images, reasons): one
    // string per distinct value means less to allocate and less for the scavenger to copy
    const buf = this.buf;
    let hash = n;
    for (let i = start; i < end; i++) {
      const c = buf[i];
      if (c >= 128) return buf.utf8Slice(start, end);
      hash = (hash * 31 + c) | 0;
    }
    const slot = hash & (INTERNED_SLOTS - 1);
    const cached = interned[slot];
    if (cached.length === n) {
      let i = 0;
      while (i < n && cached.charCodeAt(i) === buf[start + i]) i++;
      if (i === n) return cached;
    }
    const s = buf.latin1Slice(start, end);
    interned[slot] = s;
    return s;
  }

  bytes(): Buffer {
    const n = this.length();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Skips a field of the given wire type (unknown fields are ignored, as Go does). */
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.raw();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2: {
        // read the length before pos: `pos += length()` would add to the old pos
        const n = this.length();
        this.pos += n;
        return;
      }
      case 5:
        this.pos += 4;
        return;
      default:
        throw new Error(`protobuf: unsupported wire type ${wireType}`);
    }
  }
}
