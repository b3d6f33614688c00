/**
 * Per-message encoders and decoders compiled to JavaScript once per descriptor
 * set (as protobufjs does): each field becomes straight-line code with a
 * constant property name, so V8 sees monomorphic loads and stores instead of
 * the generic codec's keyed accesses through a field table. The generic
 * functions in message.ts stay the fallback for map entries, packed scalars
 * and unknown fields.
 */
import type { CompiledField, CompiledMessage } from "./descriptor.js";
import { decodeField, readValue, zeroValue } from "./message.js";
import type { ProtoReader } from "./reader.js";
import { readIntOrString, readQuantity, readRawJSON, readTime, writeIntOrString, writeQuantity, writeRawJSON, writeTime } from "./wellknown.js";
import type { ProtoWriter } from "./writer.js";

type JSONObject = Record<string, unknown>;
export type Encoder = (w: ProtoWriter, obj: JSONObject) => void;
export type Decoder = (r: ProtoReader, end: number, obj: JSONObject) => JSONObject;

export interface GeneratedCodec {
  encoders: Map<CompiledMessage, Encoder>;
  decoders: Map<CompiledMessage, Decoder>;
}

const HELPERS = { decodeField, readValue, zeroValue, readTime, readQuantity, readIntOrString, readRawJSON, writeTime, writeQuantity, writeIntOrString, writeRawJSON };

/**
 * A constructor of plain objects (their prototype is Object.prototype) for one message. V8 sizes
 * a constructor's objects by the `this.x =` assignments in its source, counted without running
 * them: objects built by `new` hold every field in the object itself, where `{}` holds four and
 * moves the rest to a separate array it regrows every three properties.
 */
function objectConstructor(m: CompiledMessage): new () => JSONObject {
  let fields = 0;
  for (const f of m.fields) fields += f.kind === "inline" ? f.message!.fields.length : 1;
  const sizing = Array.from({ length: fields }, (_, k) => `this.f${k} = 0;`).join(" ");
  const ctor = new Function(`function Message() { if (Message.never) { ${sizing} } }\nMessage.never = false;\nreturn Message;`)();
  ctor.prototype = Object.prototype;
  return ctor;
}

/** Code that, when the next key is `tag`, consumes it and is true. */
function nextTagIs(tag: number): string {
  const bytes: number[] = [];
  for (let v = tag; ; v >>>= 7) {
    if (v < 128) {
      bytes.push(v);
      break;
    }
    bytes.push((v & 127) | 128);
  }
  const same = bytes.map((b, k) => `r.buf[r.pos + ${k}] === ${b}`).join(" && ");
  return `r.pos < end && ${same} && (r.pos += ${bytes.length}) > 0`;
}

export function generateCodec(messages: Iterable<CompiledMessage>): GeneratedCodec {
  const list = [...messages];
  const index = new Map(list.map((m, i) => [m, i]));
  const E: Encoder[] = [];
  const D: Decoder[] = [];
  const M = list;
  // Repeated values read so far, shared by every decoder (decoding is synchronous), and its top.
  // Its length never shrinks: V8 trims an array whose length drops, and would regrow it on the next run.
  const S: unknown[] = [];
  const T = { top: 0 };
  const C = list.map(objectConstructor);
  const prop = (name: string) => `o[${JSON.stringify(name)}]`;

  /** Code writing value `x` of field f (the key already written). */
  const writeX = (f: CompiledField, x: string): string => {
    switch (f.kind) {
      case "string":
        return `w.string(typeof ${x} === "string" ? ${x} : String(${x}));`;
      case "bool":
        return `w.uvarint(${x} ? 1 : 0);`;
      case "int32":
      case "int64":
        return `w.varint(Math.trunc(Number(${x})));`;
      case "double":
        return `w.double(Number(${x}));`;
      case "msg":
        return `{ const at = w.begin(); E[${index.get(f.message!)}](w, ${x}); w.end(at); }`;
      case "time":
        return `H.writeTime(w, String(${x}), false);`;
      case "microtime":
        return `H.writeTime(w, String(${x}), true);`;
      case "quantity":
        return `H.writeQuantity(w, ${x});`;
      case "intstr":
        return `H.writeIntOrString(w, ${x});`;
      case "json":
        return `H.writeRawJSON(w, ${x});`;
      default:
        throw new Error(`protobuf: cannot write ${f.kind}`);
    }
  };

  /** Code reading one value of field f into expression `v` (undefined for an empty time). */
  const readV = (f: CompiledField): string => {
    switch (f.kind) {
      case "string":
        return "v = r.string();";
      case "bool":
        return "v = r.bool();";
      case "int32":
        return "v = r.int32();";
      case "int64":
        return "v = r.int64();";
      case "double":
        return "v = r.double();";
      case "msg":
        return `n = r.length(); v = D[${index.get(f.message!)}](r, r.pos + n, new C[${index.get(f.message!)}]());`;
      case "time":
      case "microtime":
        return `n = r.length(); v = H.readTime(r, r.pos + n, ${f.kind === "microtime"});`;
      case "quantity":
        return "n = r.length(); v = H.readQuantity(r, r.pos + n);";
      case "intstr":
        return "n = r.length(); v = H.readIntOrString(r, r.pos + n);";
      case "json":
        return "n = r.length(); v = H.readRawJSON(r, r.pos + n);";
      default:
        throw new Error(`protobuf: cannot read ${f.kind}`);
    }
  };

  for (const m of list) {
    const i = index.get(m)!;
    const enc: string[] = ["let v;"];
    for (const f of m.inlines) {
      enc.push(`{ const tagAt = w.pos; w.uvarint(${f.tag}); const at = w.begin(); E[${index.get(f.message!)}](w, o); if (w.pos === at + 1) w.pos = tagAt; else w.end(at); }`);
    }
    for (const f of m.fields) {
      if (f.kind === "inline") continue;
      enc.push(`v = ${prop(f.name)};`, "if (v !== undefined && v !== null) {");
      if (f.map) {
        enc.push(`for (const k in v) { const x = v[k]; if (x === undefined || x === null) continue; w.uvarint(${f.tag}); const at = w.begin(); w.uvarint(10); w.string(k); w.uvarint(${f.valueTag}); ${writeX(f, "x")} w.end(at); }`);
      } else if (f.repeated) {
        enc.push(`for (let j = 0; j < v.length; j++) { const x = v[j]; if (x === undefined || x === null) continue; w.uvarint(${f.tag}); ${writeX(f, "x")} }`);
      } else enc.push(`w.uvarint(${f.tag}); ${writeX(f, "v")}`);
      enc.push("}");
    }
    E[i] = new Function("E", "H", `return function encode_${i}(w, o) {\n${enc.join("\n")}\n};`)(E, HELPERS) as Encoder;

    const dec: string[] = ["let v, n, a;", "while (r.pos < end) {", "const tag = r.uint32();", "switch (tag) {"];
    for (const f of m.fields) {
      if (f.kind === "inline") {
        dec.push(`case ${f.tag}: n = r.length(); D[${index.get(f.message!)}](r, r.pos + n, o); break;`);
      } else if (f.map) {
        const entry = `let key = "", value; while (r.pos < entryEnd) { const t = r.uint32(); if (t === 10) key = r.string(); else if (t === ${f.valueTag}) { ${readV(f)} value = v; } else r.skip(t & 7); }`;
        const store = `a = ${prop(f.name)}; if (a === undefined) a = ${prop(f.name)} = {}; a[key] = value === undefined ? H.zeroValue(M[${i}].byNo[${f.no}]) : value;`;
        dec.push(`case ${f.tag}: { n = r.length(); const entryEnd = r.pos + n; ${entry} ${store} break; }`);
      } else if (f.repeated) {
        // Go writes a repeated field's entries together: gather the run on the shared stack S, then
        // copy it into an array of exactly its length (push would grow a fresh array to 17 slots).
        // The run's slots are cleared even when a truncated body throws: S keeps nothing decoded.
        const p = prop(f.name);
        const run = `do { ${readV(f)} S[T.top++] = v === undefined ? null : v; } while (${nextTagIs(f.tag)});`;
        const collect = `try { ${run} a = S.slice(base, T.top); } finally { S.fill(undefined, base, T.top); T.top = base; }`;
        dec.push(`case ${f.tag}: { const base = T.top; ${collect} ${p} = ${p} === undefined ? a : ${p}.concat(a); break; }`);
      } else {
        dec.push(`case ${f.tag}: ${readV(f)} if (v !== undefined) ${prop(f.name)} = v; break;`);
      }
    }
    dec.push(`default: H.decodeField(r, M[${i}], tag, o);`, "}", "}", "r.pos = end;", "return o;");
    D[i] = new Function("D", "H", "M", "S", "T", "C", `return function decode_${i}(r, end, o) {\n${dec.join("\n")}\n};`)(D, HELPERS, M, S, T, C) as Decoder;
  }
  return { encoders: new Map(list.map((m, i) => [m, E[i]])), decoders: new Map(list.map((m, i) => [m, D[i]])) };
}
