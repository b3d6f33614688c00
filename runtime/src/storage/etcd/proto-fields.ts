/**
 * Reading etcd's protobuf answers field by field over the client's ProtoReader, and the
 * KeyValue message (api/mvccpb/kv.proto) that Txn and Watch answers both carry. Fields a
 * caller does not read are skipped by their wire type.
 */
import { ProtoReader } from "@skai-gen/client/protobuf";

/** A key as etcd returns it. */
export interface EtcdKeyValue {
  key: Buffer;
  createRevision: number;
  modRevision: number;
  value: Buffer;
}

const KV_KEY = 1, KV_CREATE_REVISION = 2, KV_MOD_REVISION = 3, KV_VALUE = 5;
const EMPTY = Buffer.alloc(0);

export function decodeKeyValue(r: ProtoReader): EtcdKeyValue {
  const kv: EtcdKeyValue = { key: EMPTY, createRevision: 0, modRevision: 0, value: EMPTY };
  fields(r, (field, f, wireType) => {
    if (field === KV_KEY) kv.key = f.bytes();
    else if (field === KV_CREATE_REVISION) kv.createRevision = f.int64();
    else if (field === KV_MOD_REVISION) kv.modRevision = f.int64();
    else if (field === KV_VALUE) kv.value = f.bytes();
    else f.skip(wireType);
  });
  return kv;
}

/** A reader over the embedded message that is the next field's value (its length checked against the end). */
export function embedded(r: ProtoReader): ProtoReader {
  const n = r.length();
  const inner = new ProtoReader(r.buf, r.pos, r.pos + n);
  r.pos += n;
  return inner;
}

/** Calls `each` with every field of a message; `each` must consume the value (read or skip). */
export function fields(r: ProtoReader, each: (field: number, r: ProtoReader, wireType: number) => unknown): void {
  while (r.pos < r.end) {
    const tag = r.uint32();
    each(tag >>> 3, r, tag & 7);
  }
  if (r.pos > r.end) throw new Error("etcd answer: truncated message");
}
