/**
 * The `k8s\0` + runtime.Unknown envelope every protobuf object travels in
 * (k8s.io/apimachinery/pkg/runtime/serializer/protobuf):
 *   message Unknown { TypeMeta typeMeta = 1; bytes raw = 2; string contentEncoding = 3; string contentType = 4; }
 *   message TypeMeta { string apiVersion = 1; string kind = 2; }
 * and the watch stream's frames: a 4-byte big-endian length, then a
 * metav1.WatchEvent { string type = 1; RawExtension object = 2 } whose
 * RawExtension.raw (field 1) is itself a full envelope.
 */
import { ProtoReader } from "./reader.js";
import type { ProtoWriter } from "./writer.js";

export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
export const PROTOBUF_WATCH_MEDIA_TYPE = "application/vnd.kubernetes.protobuf;stream=watch";
export const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export interface TypeMeta {
  apiVersion: string;
  kind: string;
}

/** Writes magic, TypeMeta and the start of `raw`; `body` writes the object's message; then closes. */
export function writeEnvelope(w: ProtoWriter, typeMeta: TypeMeta, body: () => void): void {
  w.ensure(4);
  MAGIC.copy(w.buf, w.pos);
  w.pos += 4;
  w.uvarint(10);
  const tm = w.begin();
  w.uvarint(10);
  w.string(typeMeta.apiVersion);
  w.uvarint(18);
  w.string(typeMeta.kind);
  w.end(tm);
  w.uvarint(18);
  const raw = w.begin();
  body();
  w.end(raw);
  // Go writes the empty contentEncoding and contentType too
  w.uvarint(26);
  w.uvarint(0);
  w.uvarint(34);
  w.uvarint(0);
}

export interface Unwrapped {
  typeMeta: TypeMeta;
  /** Where the object's own message lies in the buffer. */
  rawStart: number;
  rawEnd: number;
  contentType: string;
}

export function isProtobufEnvelope(buf: Uint8Array): boolean {
  return buf.length >= 4 && buf[0] === 0x6b && buf[1] === 0x38 && buf[2] === 0x73 && buf[3] === 0x00;
}

/** Parses the envelope in buf[start, end); throws on a missing magic number. */
export function readEnvelope(buf: Buffer, start = 0, end = buf.length): Unwrapped {
  if (!isProtobufEnvelope(buf.subarray(start, end))) throw new Error("protobuf: the body does not start with the k8s\\0 magic number");
  const r = new ProtoReader(buf, start + 4, end);
  const out: Unwrapped = { typeMeta: { apiVersion: "", kind: "" }, rawStart: 0, rawEnd: 0, contentType: "" };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) {
      const tmLen = r.length();
      const tmEnd = r.pos + tmLen;
      while (r.pos < tmEnd) {
        const t = r.uint32();
        if (t === 10) out.typeMeta.apiVersion = r.string();
        else if (t === 18) out.typeMeta.kind = r.string();
        else r.skip(t & 7);
      }
    } else if (tag === 18) {
      const n = r.length();
      out.rawStart = r.pos;
      out.rawEnd = r.pos + n;
      r.pos += n;
    } else if (tag === 34) out.contentType = r.string();
    else r.skip(tag & 7);
  }
  if (out.contentType !== "" && out.contentType !== PROTOBUF_MEDIA_TYPE) {
    throw new Error(`protobuf: unsupported embedded content type ${out.contentType}`);
  }
  return out;
}

/** Splits a length-delimited watch stream: whole frames out, the incomplete tail kept. */
export class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Buffer[] = [];
    let pos = 0;
    while (this.pending.length - pos >= 4) {
      const n = this.pending.readUInt32BE(pos);
      if (this.pending.length - pos - 4 < n) break;
      frames.push(this.pending.subarray(pos + 4, pos + 4 + n));
      pos += 4 + n;
    }
    this.pending = this.pending.subarray(pos);
    return frames;
  }
}

/** The WatchEvent in one frame: its type and where the embedded envelope lies. */
export function readWatchFrame(frame: Buffer): { type: string; objStart: number; objEnd: number } {
  const r = new ProtoReader(frame);
  let type = "";
  let objStart = 0;
  let objEnd = 0;
  while (r.pos < r.end) {
    const tag = r.uint32();
    if (tag === 10) type = r.string();
    else if (tag === 18) {
      const extLen = r.length();
      const extEnd = r.pos + extLen;
      while (r.pos < extEnd) {
        const t = r.uint32();
        if (t === 10) {
          const n = r.length();
          objStart = r.pos;
          objEnd = r.pos + n;
          r.pos += n;
        } else r.skip(t & 7);
      }
    } else r.skip(tag & 7);
  }
  return { type, objStart, objEnd };
}
