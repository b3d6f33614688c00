/**
 * The protobuf of the one etcd call every write makes, KV.Txn as a compare-and-swap
 * (etcd's api/etcdserverpb/rpc.proto), encoded and decoded by hand: the generic
 * proto-loader codec (defaults filled in, every int64 as a string) cost more CPU per
 * create than the rest of the call. Only the fields this transaction uses are written
 * and read; anything else in an answer is skipped by its wire type.
 */

/** The key as the failed compare read it, in the same transaction. */
export interface CasCurrent {
  key: Buffer;
  modRevision: number;
  value: Buffer;
}

export interface CasTxnResult {
  /** The header's revision: the write's own when it succeeded, the one read at otherwise. */
  revision: number;
  succeeded: boolean;
  /** Only when the compare failed and the key exists. */
  current: CasCurrent | undefined;
}

// Field numbers of rpc.proto / kv.proto.
const TXN_COMPARE = 1, TXN_SUCCESS = 2, TXN_FAILURE = 3;
const COMPARE_TARGET = 2, COMPARE_KEY = 3, COMPARE_MOD_REVISION = 6;
const TARGET_MOD = 2; // CompareTarget.MOD; the result EQUAL is 0, the default, so it is not written
const OP_RANGE = 1, OP_PUT = 2, OP_DELETE_RANGE = 3;
const PUT_KEY = 1, PUT_VALUE = 2; // also RangeRequest.key and DeleteRangeRequest.key = 1
const RESPONSE_HEADER = 1, RESPONSE_SUCCEEDED = 2, RESPONSE_RESPONSES = 3;
const HEADER_REVISION = 3;
const RESPONSE_OP_RANGE = 1;
const RANGE_KVS = 2;
const KV_KEY = 1, KV_MOD_REVISION = 3, KV_VALUE = 5;

const VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;

/**
 * `compare: [mod_revision(key) == expect], success: [put(key, value)] (delete when value is
 * null), failure: [range(key)]`: one round trip that writes, or says what is there instead.
 */
export function encodeCasTxn(key: Buffer, expect: number, value: Buffer | null): Buffer {
  const keyField = lenSize(PUT_KEY, key.length);
  const compare = tagSize(COMPARE_TARGET) + varintSize(TARGET_MOD) + lenSize(COMPARE_KEY, key.length) + tagSize(COMPARE_MOD_REVISION) + varintSize(expect);
  const write = value === null ? keyField : keyField + lenSize(PUT_VALUE, value.length);
  const success = lenSize(value === null ? OP_DELETE_RANGE : OP_PUT, write);
  const failure = lenSize(OP_RANGE, keyField);
  const w = new Writer(lenSize(TXN_COMPARE, compare) + lenSize(TXN_SUCCESS, success) + lenSize(TXN_FAILURE, failure));
  w.len(TXN_COMPARE, compare);
  w.varintField(COMPARE_TARGET, TARGET_MOD);
  w.bytes(COMPARE_KEY, key);
  // Written even when 0: it is a oneof member, whose presence is the point.
  w.varintField(COMPARE_MOD_REVISION, expect);
  w.len(TXN_SUCCESS, success);
  w.len(value === null ? OP_DELETE_RANGE : OP_PUT, write);
  w.bytes(PUT_KEY, key);
  if (value !== null) w.bytes(PUT_VALUE, value);
  w.len(TXN_FAILURE, failure);
  w.len(OP_RANGE, keyField);
  w.bytes(PUT_KEY, key);
  return w.buf;
}

export function decodeCasTxnResponse(buf: Buffer): CasTxnResult {
  const result: CasTxnResult = { revision: 0, succeeded: false, current: undefined };
  fields(buf, (field, r) => {
    if (field === RESPONSE_HEADER) fields(r.bytes(), (f, h) => (f === HEADER_REVISION ? (result.revision = h.varint()) : h.skip()));
    else if (field === RESPONSE_SUCCEEDED) result.succeeded = r.varint() !== 0;
    else if (field === RESPONSE_RESPONSES) {
      fields(r.bytes(), (f, op) => {
        if (f !== RESPONSE_OP_RANGE) return op.skip();
        fields(op.bytes(), (g, range) => (g === RANGE_KVS ? (result.current = decodeKeyValue(range.bytes())) : range.skip()));
      });
    } else r.skip();
  });
  return result;
}

function decodeKeyValue(buf: Buffer): CasCurrent {
  const kv: CasCurrent = { key: EMPTY, modRevision: 0, value: EMPTY };
  fields(buf, (field, r) => {
    if (field === KV_KEY) kv.key = r.bytes();
    else if (field === KV_MOD_REVISION) kv.modRevision = r.varint();
    else if (field === KV_VALUE) kv.value = r.bytes();
    else r.skip();
  });
  return kv;
}

const EMPTY = Buffer.alloc(0);

const tagSize = (field: number) => varintSize(field << 3);
const lenSize = (field: number, length: number) => tagSize(field) + varintSize(length) + length;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Writes into a buffer sized up front, so nothing is copied twice. */
class Writer {
  readonly buf: Buffer;
  private pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** The header of a length-delimited field whose `length` bytes follow. */
  len(field: number, length: number): void {
    this.varint((field << 3) | LEN);
    this.varint(length);
  }

  bytes(field: number, b: Buffer): void {
    this.len(field, b.length);
    this.pos += b.copy(this.buf, this.pos);
  }

  varintField(field: number, n: number): void {
    this.varint((field << 3) | VARINT);
    this.varint(n);
  }

  /** Non-negative integers up to 2^53 (revisions), without 32-bit bit operations. */
  private varint(n: number): void {
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }
}

class Reader {
  pos = 0;
  wireType = 0;

  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let n = 0;
    for (let scale = 1; ; scale *= 128) {
      if (this.pos >= this.buf.length) throw new Error("etcd answer: truncated varint");
      const b = this.buf[this.pos++]!;
      n += (b & 127) * scale;
      if (b < 128) return n;
    }
  }

  bytes(): Buffer {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.buf.length) throw new Error("etcd answer: truncated field");
    const b = this.buf.subarray(this.pos, end);
    this.pos = end;
    return b;
  }

  /** Passes over the current field's value. */
  skip(): void {
    if (this.wireType === VARINT) this.varint();
    else if (this.wireType === LEN) this.bytes();
    else if (this.wireType === FIXED64) this.pos += 8;
    else if (this.wireType === FIXED32) this.pos += 4;
    else throw new Error(`etcd answer: unknown wire type ${this.wireType}`);
  }
}

/** Calls `each` with every field number of a message; `each` must consume the value (read or skip). */
function fields(buf: Buffer, each: (field: number, r: Reader) => unknown): void {
  const r = new Reader(buf);
  while (!r.done) {
    const tag = r.varint();
    r.wireType = tag & 7;
    each(tag >>> 3, r);
  }
}
