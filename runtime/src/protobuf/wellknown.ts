/**
 * The apimachinery messages that have their own JSON form: metav1.Time and
 * MicroTime (RFC 3339 strings in JSON, `{seconds, nanos}` on the wire),
 * resource.Quantity (`{string}`), intstr.IntOrString (`{type, intVal, strVal}`)
 * and raw JSON (runtime.RawExtension, metav1.FieldsV1: `{bytes raw}`).
 */
import type { ProtoReader } from "./reader.js";
import type { ProtoWriter } from "./writer.js";

export function writeTime(w: ProtoWriter, value: string, micro: boolean): void {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`protobuf: invalid time ${JSON.stringify(value)}`);
  const seconds = Math.floor(ms / 1000);
  // MicroTime keeps microseconds, which Date.parse rounds to milliseconds
  let nanos = 0;
  if (micro) {
    const frac = /\.(\d+)/.exec(value);
    nanos = frac ? Number((frac[1] + "000000000").slice(0, 9)) : 0;
  }
  const at = w.begin();
  // Go's Timestamp marshalling writes both fields, zero or not
  w.uvarint(8);
  w.varint(seconds);
  w.uvarint(16);
  w.varint(nanos);
  w.end(at);
}

/** Time as metav1.Time writes it (UTC, whole seconds); an empty message is Go's zero time (null). */
export function readTime(r: ProtoReader, end: number, micro: boolean): string | undefined {
  if (r.pos === end) return undefined;
  let seconds = 0;
  let nanos = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) seconds = r.int64();
    else if (tag === 16) nanos = r.int32();
    else r.skip(tag & 7);
  }
  const iso = new Date(seconds * 1000).toISOString();
  if (!micro) return iso.slice(0, 19) + "Z";
  return `${iso.slice(0, 19)}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z`;
}

export function writeQuantity(w: ProtoWriter, value: unknown): void {
  const at = w.begin();
  w.uvarint(10);
  w.string(String(value));
  w.end(at);
}

export function readQuantity(r: ProtoReader, end: number): string {
  let s = "";
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) s = r.string();
    else r.skip(tag & 7);
  }
  return s;
}

export function writeIntOrString(w: ProtoWriter, value: unknown): void {
  const at = w.begin();
  if (typeof value === "number") {
    w.uvarint(8);
    w.uvarint(0);
    w.uvarint(16);
    w.varint(value);
  } else {
    w.uvarint(8);
    w.uvarint(1);
    w.uvarint(26);
    w.string(String(value));
  }
  w.end(at);
}

export function readIntOrString(r: ProtoReader, end: number): number | string {
  let type = 0;
  let intVal = 0;
  let strVal = "";
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) type = r.int64();
    else if (tag === 16) intVal = r.int32();
    else if (tag === 26) strVal = r.string();
    else r.skip(tag & 7);
  }
  return type === 1 ? strVal : intVal;
}

export function writeRawJSON(w: ProtoWriter, value: unknown): void {
  const at = w.begin();
  w.uvarint(10);
  w.string(JSON.stringify(value));
  w.end(at);
}

export function readRawJSON(r: ProtoReader, end: number): unknown {
  let raw: string | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) raw = r.string();
    else r.skip(tag & 7);
  }
  return raw === undefined || raw === "" ? undefined : JSON.parse(raw);
}
