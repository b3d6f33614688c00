/**
 * One kind's protobuf codec: objects, lists, Status and watch frames to bytes and
 * back, in the envelopes kube-apiserver uses. Decoded objects get apiVersion and
 * kind back from the envelope's TypeMeta (list items from the list's), so they
 * equal the JSON form the server stores.
 */
import { compileTypes, type CompiledMessage, type KindProtobuf, type ProtoTypes } from "./descriptor.js";
import { readEnvelope, readWatchFrame, writeEnvelope, type TypeMeta } from "./envelope.js";
import { generateCodec, type Decoder, type Encoder, type GeneratedCodec } from "./generated-codec.js";
import { LIST_META, META_TYPES, STATUS } from "./meta.js";
import { ProtoReader } from "./reader.js";
import { ProtoWriter } from "./writer.js";

type JSONObject = Record<string, unknown>;

/** One scratch writer per process: encoding is synchronous, so calls never interleave. */
const scratch = new ProtoWriter();
const compiled = new WeakMap<ProtoTypes, { messages: Map<string, CompiledMessage>; code: GeneratedCodec }>();

/** Compiles a descriptor set once (all kinds of a group-version share one). */
function compiledFor(types: ProtoTypes): { messages: Map<string, CompiledMessage>; code: GeneratedCodec } {
  let c = compiled.get(types);
  if (!c) {
    const messages = compileTypes({ ...META_TYPES, ...types });
    c = { messages, code: generateCodec(messages.values()) };
    compiled.set(types, c);
  }
  return c;
}

export interface KindNames {
  apiVersion: string;
  kind: string;
  listKind: string;
}

export class KindCodec {
  private readonly encKind: Encoder;
  private readonly decKind: Decoder;
  private readonly decListMeta: Decoder;
  private readonly encStatus: Encoder;
  private readonly decStatus: Decoder;
  private readonly encListMeta: Encoder;

  constructor(
    pb: KindProtobuf,
    readonly names: KindNames,
  ) {
    const { messages, code } = compiledFor(pb.types);
    const get = (n: string) => {
      const m = messages.get(n);
      if (!m) throw new Error(`protobuf: no message ${n} in the descriptors`);
      return m;
    };
    this.encKind = code.encoders.get(get(pb.kind))!;
    this.decKind = code.decoders.get(get(pb.kind))!;
    this.encStatus = code.encoders.get(get(STATUS))!;
    this.decStatus = code.decoders.get(get(STATUS))!;
    this.encListMeta = code.encoders.get(get(LIST_META))!;
    this.decListMeta = code.decoders.get(get(LIST_META))!;
  }

  /** An object of the kind, enveloped. */
  encodeObject(obj: JSONObject): Buffer {
    scratch.reset();
    this.writeObject(obj);
    return scratch.finish();
  }

  /** A list (`{metadata, items}`), enveloped as `<Kind>List`. */
  encodeList(list: { metadata?: JSONObject; items: JSONObject[] }): Buffer {
    scratch.reset();
    const { apiVersion, listKind } = this.names;
    writeEnvelope(scratch, { apiVersion, kind: listKind }, () => {
      if (list.metadata) {
        scratch.uvarint(10);
        const at = scratch.begin();
        this.encListMeta(scratch, list.metadata);
        scratch.end(at);
      }
      for (const item of list.items) {
        scratch.uvarint(18);
        const at = scratch.begin();
        this.encKind(scratch, item);
        scratch.end(at);
      }
    });
    return scratch.finish();
  }

  /** A metav1.Status, enveloped as v1 Status (kube's protobuf error and delete bodies). */
  encodeStatus(status: JSONObject): Buffer {
    scratch.reset();
    writeEnvelope(scratch, { apiVersion: "v1", kind: "Status" }, () => this.encStatus(scratch, status));
    return scratch.finish();
  }

  /** One watch frame: length prefix, WatchEvent{type, RawExtension{raw: envelope}}. */
  encodeWatchEvent(type: string, obj: JSONObject): Buffer {
    scratch.reset();
    scratch.ensure(4);
    scratch.pos = 4;
    scratch.uvarint(10);
    scratch.string(type);
    scratch.uvarint(18);
    const ext = scratch.begin();
    scratch.uvarint(10);
    const raw = scratch.begin();
    if (obj.kind === "Status") {
      writeEnvelope(scratch, { apiVersion: "v1", kind: "Status" }, () => this.encStatus(scratch, obj));
    } else this.writeObject(obj);
    scratch.end(raw);
    scratch.end(ext);
    scratch.buf.writeUInt32BE(scratch.pos - 4, 0);
    return scratch.finish();
  }

  private writeObject(obj: JSONObject): void {
    const typeMeta: TypeMeta = {
      apiVersion: typeof obj.apiVersion === "string" ? obj.apiVersion : this.names.apiVersion,
      kind: typeof obj.kind === "string" ? obj.kind : this.names.kind,
    };
    writeEnvelope(scratch, typeMeta, () => this.encKind(scratch, obj));
  }

  /** Any enveloped body this kind's endpoints exchange: the kind, its list, or a Status. */
  /** `found.inexactIntegers` receives the integers a double could not hold (the value has them rounded). */
  decode(buf: Buffer, start = 0, end = buf.length, found?: { inexactIntegers: string[] }): JSONObject {
    const env = readEnvelope(buf, start, end);
    const { apiVersion, kind } = env.typeMeta;
    const r = new ProtoReader(buf, env.rawStart, env.rawEnd);
    if (found) found.inexactIntegers = r.inexactIntegers;
    if (kind === this.names.listKind) return this.decodeList(r, env.rawEnd, { apiVersion, kind });
    if (kind === "Status") return this.decStatus(r, env.rawEnd, { kind: "Status", apiVersion: apiVersion || "v1" });
    if (kind !== this.names.kind && kind !== "") {
      throw new Error(`protobuf: ${kind} cannot be handled as a ${this.names.kind}`);
    }
    const obj: JSONObject = { apiVersion: apiVersion || this.names.apiVersion, kind: kind || this.names.kind };
    return this.decKind(r, env.rawEnd, obj);
  }

  /**
   * The list message (`{ListMeta metadata = 1; repeated <Kind> items = 2}`), each item decoded
   * straight into an object that already holds the TypeMeta list items lack on the wire
   * (JSON lists of CRD-style kinds carry it).
   */
  private decodeList(r: ProtoReader, end: number, typeMeta: TypeMeta): JSONObject {
    const metadata: JSONObject = {};
    const items: JSONObject[] = [];
    const { apiVersion, kind } = this.names;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === 10) {
        const n = r.length();
        this.decListMeta(r, r.pos + n, metadata);
      } else if (tag === 18) {
        const n = r.length();
        items.push(this.decKind(r, r.pos + n, { apiVersion, kind }));
      } else r.skip(tag & 7);
    }
    return { ...typeMeta, metadata, items };
  }

  /** One watch frame (without its length prefix) to `{type, object}`. */
  decodeWatchEvent(frame: Buffer): { type: string; object: JSONObject } {
    const ev = readWatchFrame(frame);
    return { type: ev.type, object: this.decode(frame, ev.objStart, ev.objEnd) };
  }
}
