/**
 * Reads the upstream generated.proto copies in test/fixtures/upstream (and small
 * .proto texts written in tests) into messages by full name, and decodes bytes
 * with them: the independent side the field-number tests compare our codec to.
 * Only what go-to-protobuf writes is understood: `optional|repeated T name = N;`
 * and `map<string, T> name = N;` lines inside top-level `message X { }` blocks.
 */
import { readFileSync } from "node:fs";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";

export const SCALARS = new Set(["string", "bytes", "bool", "int32", "int64", "double"]);

export interface UpstreamField {
  number: number;
  name: string;
  label: "optional" | "repeated" | "map";
  /** A scalar, or a message's full name (for maps: the value's type; the key is always string). */
  type: string;
}

export type UpstreamMessages = Map<string, UpstreamField[]>;

const FIELD = /^\s*(optional|repeated)\s+(\S+)\s+(\w+)\s*=\s*(\d+)\s*;/;
const MAP_FIELD = /^\s*map<\s*string\s*,\s*(\S+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;/;

/** Adds the messages of one .proto text to `into`; any line it cannot read fails loudly. */
export function parseProto(text: string, into: UpstreamMessages = new Map()): UpstreamMessages {
  let pkg = "";
  let fields: UpstreamField[] | undefined;
  const resolve = (t: string) => (SCALARS.has(t) ? t : t.startsWith(".") ? t.slice(1) : `${pkg}.${t}`);
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.replace(/\/\/.*/, "").trim();
    if (line === "" || line.startsWith("syntax ") || line.startsWith("option ") || line.startsWith("import ")) continue;
    const pkgMatch = /^package\s+([\w.]+)\s*;$/.exec(line);
    const open = /^message\s+(\w+)\s*\{$/.exec(line);
    const field = FIELD.exec(line);
    const mapField = MAP_FIELD.exec(line);
    if (pkgMatch) pkg = pkgMatch[1]!;
    else if (open && !fields) into.set(`${pkg}.${open[1]}`, (fields = []));
    else if (line === "}" && fields) fields = undefined;
    else if (field && fields) fields.push({ label: field[1] as "optional" | "repeated", type: resolve(field[2]!), name: field[3]!, number: Number(field[4]) });
    else if (mapField && fields) fields.push({ label: "map", type: resolve(mapField[1]!), name: mapField[2]!, number: Number(mapField[3]) });
    else throw new Error(`proto line ${i + 1} not understood: ${raw}`);
  }
  return into;
}

export function readProtoFiles(files: string[]): UpstreamMessages {
  const messages: UpstreamMessages = new Map();
  for (const f of files) parseProto(readFileSync(f, "utf8"), messages);
  return messages;
}

type Decoded = Record<string, unknown>;

/**
 * Decodes a message by the upstream field names. A field number the message
 * does not declare, or a wire type other than its declared type's, throws:
 * either means our writer disagrees with upstream.
 */
export function decodeUpstream(messages: UpstreamMessages, name: string, bytes: Uint8Array): Decoded {
  const fields = messages.get(name);
  if (!fields) throw new Error(`no upstream message ${name}`);
  const r = new BinaryReader(bytes);
  const out: Decoded = {};
  while (r.pos < r.len) {
    const [no, wire] = r.tag();
    const f = fields.find((x) => x.number === no);
    if (!f) throw new Error(`${name}: field number ${no} is not in upstream's message`);
    if (f.label === "map") {
      if (wire !== WireType.LengthDelimited) throw new Error(`${name}.${f.name}: map entry with wire type ${wire}`);
      const entry = new BinaryReader(r.bytes());
      let key = "";
      let value: unknown;
      while (entry.pos < entry.len) {
        const [entryNo, entryWire] = entry.tag();
        if (entryNo === 1) key = entry.string();
        else if (entryNo === 2) value = readValue(messages, `${name}.${f.name}`, f.type, entryWire, entry);
        else throw new Error(`${name}.${f.name}: map entry field ${entryNo}`);
      }
      ((out[f.name] ??= {}) as Decoded)[key] = value;
    } else {
      const value = readValue(messages, `${name}.${f.name}`, f.type, wire, r);
      if (f.label === "repeated") ((out[f.name] ??= []) as unknown[]).push(value);
      else out[f.name] = value;
    }
  }
  return out;
}

const WIRE_OF: Record<string, WireType> = {
  string: WireType.LengthDelimited,
  bytes: WireType.LengthDelimited,
  bool: WireType.Varint,
  int32: WireType.Varint,
  int64: WireType.Varint,
  double: WireType.Bit64,
};

function readValue(messages: UpstreamMessages, where: string, type: string, wire: WireType, r: BinaryReader): unknown {
  const expected = WIRE_OF[type] ?? WireType.LengthDelimited;
  if (wire !== expected) throw new Error(`${where}: wire type ${wire}, upstream's ${type} is ${expected}`);
  switch (type) {
    case "string":
      return r.string();
    case "bytes":
      return Buffer.from(r.bytes());
    case "bool":
      return r.bool();
    case "int32":
      return r.int32();
    case "int64":
      return Number(r.int64());
    case "double":
      return r.double();
    default:
      return decodeUpstream(messages, type, r.bytes());
  }
}
