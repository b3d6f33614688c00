/**
 * JSON object <-> protobuf message, driven by compiled descriptors. Encoding walks
 * the object's own keys (objects use few of a message's fields: a PodSpec has
 * forty); presence is JSON presence, so a field written with its zero value
 * comes back, and an absent one stays absent. Unknown JSON fields and unknown
 * field numbers are dropped, as a typed Go decoder drops them.
 */
import type { CompiledField, CompiledMessage } from "./descriptor.js";
import type { ProtoReader } from "./reader.js";
import { readIntOrString, readQuantity, readRawJSON, readTime, writeIntOrString, writeQuantity, writeRawJSON, writeTime } from "./wellknown.js";
import type { ProtoWriter } from "./writer.js";

type JSONObject = Record<string, unknown>;

function encodeMessage(w: ProtoWriter, msg: CompiledMessage, obj: JSONObject): void {
  for (let i = 0; i < msg.inlines.length; i++) {
    const f = msg.inlines[i];
    const tagAt = w.pos;
    w.uvarint(f.tag);
    const at = w.begin();
    encodeMessage(w, f.message!, obj);
    // an embedded struct with nothing set is left out rather than written empty
    if (w.pos === at + 1) w.pos = tagAt;
    else w.end(at);
  }
  const byName = msg.byName;
  for (const key in obj) {
    const f = byName.get(key);
    if (f === undefined) continue;
    const v = obj[key];
    if (v === undefined || v === null) continue;
    if (f.map) {
      const m = v as JSONObject;
      for (const k in m) {
        const val = m[k];
        if (val === undefined || val === null) continue;
        w.uvarint(f.tag);
        const at = w.begin();
        w.uvarint(10);
        w.string(k);
        writeValue(w, f, f.valueTag, val);
        w.end(at);
      }
    } else if (f.repeated) {
      const arr = v as unknown[];
      for (let i = 0; i < arr.length; i++) {
        if (arr[i] !== null && arr[i] !== undefined) writeValue(w, f, f.tag, arr[i]);
      }
    } else writeValue(w, f, f.tag, v);
  }
}

function writeValue(w: ProtoWriter, f: CompiledField, tag: number, v: unknown): void {
  w.uvarint(tag);
  switch (f.kind) {
    case "string":
      w.string(typeof v === "string" ? v : String(v));
      return;
    case "bool":
      w.uvarint(v ? 1 : 0);
      return;
    case "int32":
    case "int64":
      w.varint(Math.trunc(Number(v)));
      return;
    case "double":
      w.double(Number(v));
      return;
    case "msg": {
      const at = w.begin();
      encodeMessage(w, f.message!, v as JSONObject);
      w.end(at);
      return;
    }
    case "time":
      return writeTime(w, String(v), false);
    case "microtime":
      return writeTime(w, String(v), true);
    case "quantity":
      return writeQuantity(w, v);
    case "intstr":
      return writeIntOrString(w, v);
    case "json":
      return writeRawJSON(w, v);
    case "inline":
      throw new Error("protobuf: inline field used as a value");
  }
}

function decodeMessage(r: ProtoReader, msg: CompiledMessage, end: number, obj: JSONObject = {}): JSONObject {
  while (r.pos < end) decodeField(r, msg, r.uint32(), obj);
  r.pos = end;
  return obj;
}

/** One field whose key was just read: the generic path (generated decoders fall back to it). */
export function decodeField(r: ProtoReader, msg: CompiledMessage, tag: number, obj: JSONObject): void {
  const f = msg.byNo[tag >>> 3];
  const wire = tag & 7;
  if (f === undefined) return r.skip(wire);
  if (f.kind === "inline") {
    const n = r.length();
    decodeMessage(r, f.message!, r.pos + n, obj);
    return;
  }
  if (f.map) {
    const n = r.length();
    const entryEnd = r.pos + n;
    let key = "";
    let value: unknown;
    while (r.pos < entryEnd) {
      const t = r.uint32();
      if (t === 10) key = r.string();
      else if (t >>> 3 === 2 && (t & 7) === (f.valueTag & 7)) value = readValue(r, f);
      else r.skip(t & 7);
    }
    const m = (obj[f.name] ??= {}) as JSONObject;
    m[key] = value === undefined ? zeroValue(f) : value;
    return;
  }
  if (f.repeated) {
    const arr = (obj[f.name] ??= []) as unknown[];
    if (wire === 2 && (f.tag & 7) !== 2) {
      // packed scalars (proto3 writers); Kubernetes writes them unpacked
      const n = r.length();
      const packedEnd = r.pos + n;
      while (r.pos < packedEnd) arr.push(readValue(r, f));
      return;
    }
    if (wire !== (f.tag & 7)) return r.skip(wire);
    const v = readValue(r, f);
    arr.push(v === undefined ? zeroValue(f) : v);
    return;
  }
  if (wire !== (f.tag & 7)) return r.skip(wire);
  const v = readValue(r, f);
  if (v !== undefined) obj[f.name] = v;
}

export function readValue(r: ProtoReader, f: CompiledField): unknown {
  switch (f.kind) {
    case "string":
      return r.string();
    case "bool":
      return r.bool();
    case "int32":
      return r.int32();
    case "int64":
      return r.int64();
    case "double":
      return r.double();
    case "msg": {
      const n = r.length();
      return decodeMessage(r, f.message!, r.pos + n);
    }
    case "time":
    case "microtime": {
      const n = r.length();
      return readTime(r, r.pos + n, f.kind === "microtime");
    }
    case "quantity": {
      const n = r.length();
      return readQuantity(r, r.pos + n);
    }
    case "intstr": {
      const n = r.length();
      return readIntOrString(r, r.pos + n);
    }
    case "json": {
      const n = r.length();
      return readRawJSON(r, r.pos + n);
    }
    default:
      throw new Error(`protobuf: cannot read ${f.kind} as a value`);
  }
}

/** A map value or list item the wire left empty is the type's zero value, as Go reads it. */
export function zeroValue(f: CompiledField): unknown {
  switch (f.kind) {
    case "string":
    case "quantity":
      return "";
    case "bool":
      return false;
    case "int32":
    case "int64":
    case "double":
    case "intstr":
      return 0;
    case "msg":
      return {};
    default:
      return null;
  }
}
