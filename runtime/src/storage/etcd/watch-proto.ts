/**
 * The protobuf of etcd's Watch stream (api/etcdserverpb/rpc.proto, api/mvccpb/kv.proto),
 * by hand over the client's wire primitives as txn-proto.ts is: a create request, and the
 * responses with their events. Fields this client does not use are skipped.
 */
import { ProtoReader, ProtoWriter } from "@skai-gen/client/protobuf";
import { decodeKeyValue, embedded, fields, type EtcdKeyValue } from "./proto-fields.js";

export interface EtcdWatchEvent {
  deleted: boolean;
  kv: EtcdKeyValue;
  /** The key before the event (the watch asks for it); absent for a creation. */
  prev: EtcdKeyValue | undefined;
}

export interface EtcdWatchResponse {
  created: boolean;
  canceled: boolean;
  /** When canceled because the start revision was compacted: the compacted revision. */
  compactRevision: number;
  cancelReason: string;
  events: EtcdWatchEvent[];
}

const REQUEST_CREATE = 1;
const CREATE_KEY = 1, CREATE_RANGE_END = 2, CREATE_START_REVISION = 3, CREATE_PREV_KV = 6;
const RESPONSE_CREATED = 3, RESPONSE_CANCELED = 4, RESPONSE_COMPACT_REVISION = 5, RESPONSE_CANCEL_REASON = 6, RESPONSE_EVENTS = 11;
const EVENT_TYPE = 1, EVENT_KV = 2, EVENT_PREV_KV = 3;
const EVENT_DELETE = 1;
const VARINT = 0, LEN = 2;

/** `create_request: {key, range_end, start_revision, prev_kv: true}`. */
export function encodeWatchCreate(key: string, rangeEnd: string, startRevision: number): Buffer {
  const w = new ProtoWriter(256);
  w.uvarint((REQUEST_CREATE << 3) | LEN);
  const create = w.begin();
  w.uvarint((CREATE_KEY << 3) | LEN);
  w.string(key);
  w.uvarint((CREATE_RANGE_END << 3) | LEN);
  w.string(rangeEnd);
  w.uvarint((CREATE_START_REVISION << 3) | VARINT);
  w.uvarint(startRevision);
  w.uvarint((CREATE_PREV_KV << 3) | VARINT);
  w.uvarint(1);
  w.end(create);
  return w.finish();
}

export function decodeWatchResponse(buf: Buffer): EtcdWatchResponse {
  const res: EtcdWatchResponse = { created: false, canceled: false, compactRevision: 0, cancelReason: "", events: [] };
  fields(new ProtoReader(buf), (field, r, wireType) => {
    if (field === RESPONSE_CREATED) res.created = r.bool();
    else if (field === RESPONSE_CANCELED) res.canceled = r.bool();
    else if (field === RESPONSE_COMPACT_REVISION) res.compactRevision = r.int64();
    else if (field === RESPONSE_CANCEL_REASON) res.cancelReason = r.string();
    else if (field === RESPONSE_EVENTS) res.events.push(decodeEvent(embedded(r)));
    else r.skip(wireType);
  });
  return res;
}

function decodeEvent(r: ProtoReader): EtcdWatchEvent {
  let deleted = false;
  let kv: EtcdKeyValue | undefined;
  let prev: EtcdKeyValue | undefined;
  fields(r, (field, f, wireType) => {
    if (field === EVENT_TYPE) deleted = f.uint32() === EVENT_DELETE;
    else if (field === EVENT_KV) kv = decodeKeyValue(embedded(f));
    else if (field === EVENT_PREV_KV) prev = decodeKeyValue(embedded(f));
    else f.skip(wireType);
  });
  if (!kv) throw new Error("etcd answer: watch event without a key");
  return { deleted, kv, prev };
}
