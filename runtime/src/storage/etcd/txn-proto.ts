/**
 * The protobuf of the one etcd call every write makes, KV.Txn as a compare-and-swap
 * (etcd's api/etcdserverpb/rpc.proto), encoded and decoded by hand over the client's
 * protobuf wire primitives: the generic proto-loader codec (defaults filled in, every
 * int64 as a string) cost more CPU per create than the rest of the call. Only the fields
 * this transaction uses are written and read; anything else in an answer is skipped by
 * its wire type.
 */
import { ProtoReader, ProtoWriter } from "@skai-gen/client/protobuf";
import { decodeKeyValue, embedded, fields, type EtcdKeyValue } from "./proto-fields.js";

export interface CasTxnResult {
  /** The header's revision: the write's own when it succeeded, the one read at otherwise. */
  revision: number;
  succeeded: boolean;
  /** The key as the failed compare read it, in the same transaction; only when it exists. */
  current: EtcdKeyValue | undefined;
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

const VARINT = 0, LEN = 2;

/** Reused by every call (encoding is synchronous); `finish` copies out what one call wrote. */
const scratch = new ProtoWriter(16 * 1024);

/**
 * `compare: [mod_revision(key) == expect], success: [put(key, value)] (delete when value is
 * null), failure: [range(key)]`: one round trip that writes, or says what is there instead.
 */
export function encodeCasTxn(key: string, expect: number, value: string | null): Buffer {
  const w = scratch;
  w.reset();
  const open = (field: number) => {
    w.uvarint((field << 3) | LEN);
    return w.begin();
  };
  const utf8 = (field: number, s: string) => {
    w.uvarint((field << 3) | LEN);
    w.string(s); // UTF-8, as Buffer.from would have made it
  };
  const compare = open(TXN_COMPARE);
  w.uvarint((COMPARE_TARGET << 3) | VARINT);
  w.uvarint(TARGET_MOD);
  utf8(COMPARE_KEY, key);
  // Written even when 0: it is a oneof member, whose presence is the point.
  w.uvarint((COMPARE_MOD_REVISION << 3) | VARINT);
  w.uvarint(expect);
  w.end(compare);
  const success = open(TXN_SUCCESS);
  const write = open(value === null ? OP_DELETE_RANGE : OP_PUT);
  utf8(PUT_KEY, key);
  if (value !== null) utf8(PUT_VALUE, value);
  w.end(write);
  w.end(success);
  const failure = open(TXN_FAILURE);
  const range = open(OP_RANGE);
  utf8(PUT_KEY, key);
  w.end(range);
  w.end(failure);
  return w.finish();
}

export function decodeCasTxnResponse(buf: Buffer): CasTxnResult {
  const result: CasTxnResult = { revision: 0, succeeded: false, current: undefined };
  fields(new ProtoReader(buf), (field, r, wireType) => {
    if (field === RESPONSE_HEADER) fields(embedded(r), (f, h, t) => (f === HEADER_REVISION ? (result.revision = h.int64()) : h.skip(t)));
    else if (field === RESPONSE_SUCCEEDED) result.succeeded = r.bool();
    else if (field === RESPONSE_RESPONSES) {
      fields(embedded(r), (f, op, t) => {
        if (f !== RESPONSE_OP_RANGE) return op.skip(t);
        fields(embedded(op), (g, range, u) => (g === RANGE_KVS ? (result.current = decodeKeyValue(embedded(range))) : range.skip(u)));
      });
    } else r.skip(wireType);
  });
  return result;
}
