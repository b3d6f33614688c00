/**
 * JSON object <-> protobuf message, compiled once per descriptor set into closures:
 * each field gets a reader and a writer chosen by its kind, each message a decoder
 * with its fields indexed by wire key and an encoder that walks its fields in
 * descriptor order (the order Go writes). Plain closures, no code generated at run
 * time, so the codec also runs where eval is forbidden (a Content-Security-Policy).
 *
 * Presence is JSON presence: a field written with its zero value comes back, an
 * absent one stays absent. Unknown JSON fields and unknown field numbers are
 * dropped, as a typed Go decoder drops them.
 */
import type { CompiledField, CompiledMessage } from "./descriptor.js";
import type { ProtoReader } from "./reader.js";
import { readIntOrString, readQuantity, readRawJSON, readTime, writeIntOrString, writeQuantity, writeRawJSON, writeTime } from "./wellknown.js";
import type { ProtoWriter } from "./writer.js";

type JSONObject = Record<string, unknown>;
export type Encoder = (w: ProtoWriter, obj: JSONObject) => void;
/** Decodes the message in [r.pos, end) into `obj` and returns it. */
export type Decoder = (r: ProtoReader, end: number, obj: JSONObject) => JSONObject;

export interface MessageCodecs {
  encoders: Map<CompiledMessage, Encoder>;
  decoders: Map<CompiledMessage, Decoder>;
}

/** One value of a field, its key already read / written. */
type ReadValue = (r: ProtoReader) => unknown;
type WriteValue = (w: ProtoWriter, v: unknown) => void;
/** Handles one field whose key `tag` was just read. */
type ReadField = (r: ProtoReader, end: number, obj: JSONObject) => void;
type WriteField = (w: ProtoWriter, v: unknown) => void;

/** What a message's encoder and decoder close over; filled in after every message has one, so messages can nest. */
interface MessagePlan {
  encode: Encoder;
  decode: Decoder;
  create: new () => JSONObject;
}

/**
 * The constructor of one message's objects: plain objects (Object.prototype) that hold their
 * properties in the object itself. V8 sizes a constructor's objects by the `this.x =`
 * assignments in its source, counted without running them, then shrinks the size to what
 * the first objects use; `{}` holds four and moves the rest to a separate array it regrows
 * every three properties. Room for 48 (past that, the separate array). Each call makes a
 * new function, so each message's objects get their own size.
 */
function plainObjectConstructor(): new () => JSONObject {
  const never = false;
  function Message(this: Record<string, number>): void {
    if (never) {
      this.p0 = 0; this.p1 = 0; this.p2 = 0; this.p3 = 0; this.p4 = 0; this.p5 = 0; this.p6 = 0; this.p7 = 0;
      this.p8 = 0; this.p9 = 0; this.p10 = 0; this.p11 = 0; this.p12 = 0; this.p13 = 0; this.p14 = 0; this.p15 = 0;
      this.p16 = 0; this.p17 = 0; this.p18 = 0; this.p19 = 0; this.p20 = 0; this.p21 = 0; this.p22 = 0; this.p23 = 0;
      this.p24 = 0; this.p25 = 0; this.p26 = 0; this.p27 = 0; this.p28 = 0; this.p29 = 0; this.p30 = 0; this.p31 = 0;
      this.p32 = 0; this.p33 = 0; this.p34 = 0; this.p35 = 0; this.p36 = 0; this.p37 = 0; this.p38 = 0; this.p39 = 0;
      this.p40 = 0; this.p41 = 0; this.p42 = 0; this.p43 = 0; this.p44 = 0; this.p45 = 0; this.p46 = 0; this.p47 = 0;
    }
  }
  Message.prototype = Object.prototype;
  return Message as unknown as new () => JSONObject;
}

const readString: ReadValue = (r) => r.string();
const readBool: ReadValue = (r) => r.bool();
const readInt32: ReadValue = (r) => r.int32();
const readInt64: ReadValue = (r) => r.int64();
const readDouble: ReadValue = (r) => r.double();

function valueReader(f: CompiledField, plans: Map<CompiledMessage, MessagePlan>): ReadValue {
  switch (f.kind) {
    case "string":
      return readString;
    case "bool":
      return readBool;
    case "int32":
      return readInt32;
    case "int64":
      return readInt64;
    case "double":
      return readDouble;
    case "msg": {
      const plan = plans.get(f.message!)!;
      return (r) => {
        const n = r.length();
        return plan.decode(r, r.pos + n, new plan.create());
      };
    }
    case "time":
    case "microtime": {
      const micro = f.kind === "microtime";
      return (r) => {
        const n = r.length();
        return readTime(r, r.pos + n, micro);
      };
    }
    case "quantity":
      return (r) => {
        const n = r.length();
        return readQuantity(r, r.pos + n);
      };
    case "intstr":
      return (r) => {
        const n = r.length();
        return readIntOrString(r, r.pos + n);
      };
    case "json":
      return (r) => {
        const n = r.length();
        return readRawJSON(r, r.pos + n);
      };
    case "inline":
      throw new Error("protobuf: inline field read as a value");
  }
}

const writeString: WriteValue = (w, v) => w.string(typeof v === "string" ? v : String(v));
const writeBool: WriteValue = (w, v) => w.uvarint(v ? 1 : 0);
const writeInteger: WriteValue = (w, v) => w.varint(Math.trunc(Number(v)));
const writeDouble: WriteValue = (w, v) => w.double(Number(v));

function valueWriter(f: CompiledField, plans: Map<CompiledMessage, MessagePlan>): WriteValue {
  switch (f.kind) {
    case "string":
      return writeString;
    case "bool":
      return writeBool;
    case "int32":
    case "int64":
      return writeInteger;
    case "double":
      return writeDouble;
    case "msg": {
      const plan = plans.get(f.message!)!;
      return (w, v) => {
        const at = w.begin();
        plan.encode(w, v as JSONObject);
        w.end(at);
      };
    }
    case "time":
    case "microtime": {
      const micro = f.kind === "microtime";
      return (w, v) => writeTime(w, String(v), micro);
    }
    case "quantity":
      return writeQuantity;
    case "intstr":
      return writeIntOrString;
    case "json":
      return writeRawJSON;
    case "inline":
      throw new Error("protobuf: inline field written as a value");
  }
}

/** A map value or list item the wire left empty is the type's zero value, as Go reads it. */
function zeroValue(f: CompiledField): unknown {
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

/**
 * Repeated values read so far, shared by every decoder (decoding is synchronous), so that a run
 * lands in an array of exactly its length (push would grow a fresh array to 17 slots). Its
 * length never shrinks: V8 trims an array whose length drops, and would regrow it on the next run.
 */
const stack: unknown[] = [];
let stackTop = 0;

/** True, with the key consumed, when the next key is `tag` (one or two bytes; longer keys just end the run). */
function nextKeyIs(r: ProtoReader, end: number, tag: number): boolean {
  const pos = r.pos;
  if (pos >= end) return false;
  const buf = r.buf;
  if (tag < 128) {
    if (buf[pos] !== tag) return false;
    r.pos = pos + 1;
    return true;
  }
  if (tag >= 16384 || buf[pos] !== ((tag & 127) | 128) || buf[pos + 1] !== tag >>> 7) return false;
  r.pos = pos + 2;
  return true;
}

function fieldReader(f: CompiledField, plans: Map<CompiledMessage, MessagePlan>): ReadField {
  const name = f.name;
  if (f.kind === "inline") {
    const plan = plans.get(f.message!)!;
    return (r, _end, obj) => {
      const n = r.length();
      plan.decode(r, r.pos + n, obj);
    };
  }
  const read = valueReader(f, plans);
  if (f.map) {
    const valueTag = f.valueTag;
    const zero = zeroValue(f);
    return (r, _end, obj) => {
      const entryEnd = r.pos + r.length();
      let key = "";
      let value: unknown;
      while (r.pos < entryEnd) {
        const t = r.uint32();
        if (t === 10) key = r.string();
        else if (t === valueTag) value = read(r);
        else r.skip(t & 7);
      }
      let m = obj[name] as JSONObject | undefined;
      if (m === undefined) obj[name] = m = {};
      m[key] = value === undefined ? zero : value;
    };
  }
  if (f.repeated) {
    // Go writes a repeated field's entries together: read the run, then copy it into an array
    const tag = f.tag;
    const zero = zeroValue(f);
    return (r, end, obj) => {
      const first = read(r);
      let run: unknown[];
      if (!nextKeyIs(r, end, tag)) run = [first === undefined ? zero : first];
      else {
        const base = stackTop;
        try {
          stack[stackTop++] = first === undefined ? zero : first;
          do {
            const v = read(r);
            stack[stackTop++] = v === undefined ? zero : v;
          } while (nextKeyIs(r, end, tag));
          run = stack.slice(base, stackTop);
        } finally {
          // also after a truncated body threw: the stack holds nothing of a decoded object
          stack.fill(undefined, base, stackTop);
          stackTop = base;
        }
      }
      const before = obj[name] as unknown[] | undefined;
      obj[name] = before === undefined ? run : before.concat(run);
    };
  }
  if (f.kind === "string") {
    return (r, _end, obj) => {
      obj[name] = r.string();
    };
  }
  return (r, _end, obj) => {
    const v = read(r);
    if (v !== undefined) obj[name] = v;
  };
}

function fieldWriter(f: CompiledField, plans: Map<CompiledMessage, MessagePlan>): WriteField {
  const write = valueWriter(f, plans);
  const tag = f.tag;
  if (f.map) {
    const valueTag = f.valueTag;
    return (w, v) => {
      const m = v as JSONObject;
      for (const k in m) {
        const x = m[k];
        if (x === undefined || x === null) continue;
        w.uvarint(tag);
        const at = w.begin();
        w.uvarint(10);
        w.string(k);
        w.uvarint(valueTag);
        write(w, x);
        w.end(at);
      }
    };
  }
  if (f.repeated) {
    return (w, v) => {
      const arr = v as unknown[];
      for (let i = 0; i < arr.length; i++) {
        const x = arr[i];
        if (x === undefined || x === null) continue;
        w.uvarint(tag);
        write(w, x);
      }
    };
  }
  return (w, v) => {
    w.uvarint(tag);
    write(w, v);
  };
}

/** Keys the fast path does not expect: packed repeated scalars (proto3 writers; Kubernetes writes them unpacked), else skipped. */
function readOther(r: ProtoReader, msg: CompiledMessage, tag: number, obj: JSONObject, read: (ReadValue | undefined)[]): void {
  const f = msg.byNo[tag >>> 3];
  const wire = tag & 7;
  const readScalar = f === undefined ? undefined : read[f.no];
  if (f === undefined || readScalar === undefined || !f.repeated || wire !== 2 || (f.tag & 7) === 2) return r.skip(wire);
  const packedEnd = r.pos + r.length();
  let arr = obj[f.name] as unknown[] | undefined;
  if (arr === undefined) obj[f.name] = arr = [];
  while (r.pos < packedEnd) arr.push(readScalar(r));
}

function messageDecoder(msg: CompiledMessage, plans: Map<CompiledMessage, MessagePlan>): Decoder {
  // the field for each key (number << 3 | wire type) the message's fields are written with
  const byTag: (ReadField | undefined)[] = [];
  const scalarReaders: (ReadValue | undefined)[] = [];
  for (const f of msg.fields) {
    byTag[f.tag] = fieldReader(f, plans);
    if (f.repeated && (f.tag & 7) !== 2) scalarReaders[f.no] = valueReader(f, plans);
  }
  return (r, end, obj) => {
    while (r.pos < end) {
      const tag = r.uint32();
      const field = byTag[tag];
      if (field !== undefined) field(r, end, obj);
      else readOther(r, msg, tag, obj, scalarReaders);
    }
    r.pos = end;
    return obj;
  };
}

function messageEncoder(msg: CompiledMessage, plans: Map<CompiledMessage, MessagePlan>): Encoder {
  const inlines = msg.inlines.map((f) => ({ tag: f.tag, plan: plans.get(f.message!)! }));
  const direct = msg.fields.filter((f) => f.kind !== "inline");
  const names = direct.map((f) => f.name);
  const writers = direct.map((f) => fieldWriter(f, plans));
  return (w, obj) => {
    for (let i = 0; i < inlines.length; i++) {
      const tagAt = w.pos;
      w.uvarint(inlines[i].tag);
      const at = w.begin();
      inlines[i].plan.encode(w, obj);
      // an embedded struct with nothing set is left out rather than written empty
      if (w.pos === at + 1) w.pos = tagAt;
      else w.end(at);
    }
    for (let i = 0; i < names.length; i++) {
      const v = obj[names[i]];
      if (v !== undefined && v !== null) writers[i](w, v);
    }
  };
}

/** An encoder and a decoder for every message of a compiled descriptor set. */
export function compileCodecs(messages: Iterable<CompiledMessage>): MessageCodecs {
  const list = [...messages];
  const unset = () => {
    throw new Error("protobuf: message codec used before it was compiled");
  };
  const plans = new Map<CompiledMessage, MessagePlan>(list.map((m) => [m, { encode: unset, decode: unset, create: plainObjectConstructor() }]));
  for (const m of list) {
    const plan = plans.get(m)!;
    plan.encode = messageEncoder(m, plans);
    plan.decode = messageDecoder(m, plans);
  }
  return {
    encoders: new Map(list.map((m) => [m, plans.get(m)!.encode])),
    decoders: new Map(list.map((m) => [m, plans.get(m)!.decode])),
  };
}
