/**
 * A protobuf wire writer tuned for large lists: one growing scratch buffer reused
 * across calls, short ASCII strings copied by a JS loop (a native call per string
 * costs more than the copy), and length-delimited fields written in place with
 * the length fixed up afterwards (one byte reserved; the rare longer prefix
 * shifts the body with a memmove) instead of fork/join chunk lists.
 */
const TWO_32 = 4294967296;

export class ProtoWriter {
  buf: Buffer;
  pos = 0;

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  reset(): void {
    this.pos = 0;
  }

  /** A copy of what was written (the scratch buffer is reused by the next call). */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Unsigned varint of a non-negative safe integer. */
  uvarint(v: number): void {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (v > 127) {
      buf[pos++] = (v & 127) | 128;
      v = v > 0x7fffffff ? Math.floor(v / 128) : v >>> 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** int32/int64 varint: negative values are ten bytes of two's complement, as Go writes them. */
  varint(v: number): void {
    if (v >= 0) return this.uvarint(v);
    this.ensure(10);
    // two's complement over 64 bits, split in halves
    let lo = v % TWO_32;
    let hi = Math.floor(v / TWO_32);
    lo = lo >>> 0;
    hi = hi >>> 0;
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < 9; i++) {
      buf[pos++] = (lo & 127) | 128;
      lo = (lo >>> 7) | ((hi & 127) << 25);
      hi >>>= 7;
    }
    buf[pos++] = lo & 1;
    this.pos = pos;
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  string(s: string): void {
    const len = s.length;
    if (len < 43) {
      // at most 126 UTF-8 bytes: a one-byte length prefix always fits
      this.ensure(1 + len * 3);
      const buf = this.buf;
      const start = this.pos + 1;
      let pos = start;
      for (let i = 0; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 128) {
          pos = start + buf.write(s, start, "utf8");
          break;
        }
        buf[pos++] = c;
      }
      buf[start - 1] = pos - start;
      this.pos = pos;
      return;
    }
    const n = Buffer.byteLength(s, "utf8");
    this.uvarint(n);
    this.ensure(n);
    this.buf.write(s, this.pos, "utf8");
    this.pos += n;
  }

  bytes(b: Uint8Array): void {
    this.uvarint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Starts a length-delimited body; pass the result to `end`. */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Ends a body begun at `at`, writing its length prefix there. */
  end(at: number): void {
    const len = this.pos - at - 1;
    if (len < 128) {
      this.buf[at] = len;
      return;
    }
    let size = 1;
    for (let v = len; v > 127; v = Math.floor(v / 128)) size++;
    this.ensure(size - 1);
    this.buf.copyWithin(at + size, at + 1, this.pos);
    const end = this.pos + size - 1;
    this.pos = at;
    this.uvarint(len);
    this.pos = end;
  }
}
