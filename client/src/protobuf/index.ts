/** Kubernetes protobuf encoding for served kinds (wire-spec §10). */
export { KindCodec, type KindNames } from "./codec.js";
export type { KindProtobuf, ProtoTypes, ProtoFieldDescriptor } from "./descriptor.js";
export { FrameSplitter, isProtobufEnvelope, MAGIC, PROTOBUF_MEDIA_TYPE, PROTOBUF_WATCH_MEDIA_TYPE, readEnvelope } from "./envelope.js";
export { META_TYPES } from "./meta.js";
/** The wire primitives, for other protobuf messages a server speaks (e.g. etcd's Txn). */
export { ProtoReader } from "./reader.js";
export { ProtoWriter } from "./writer.js";
