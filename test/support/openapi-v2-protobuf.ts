/**
 * Encodes a Swagger 2.0 JSON document as the protobuf `openapi.v2.Document` that kubectl
 * asks /openapi/v2 for (client-go discovery OpenAPISchema, Accept
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf). Only what kubectl's
 * explain reads: swagger, info and definitions with their schemas. Field numbers checked
 * against google/gnostic-models openapiv2/OpenAPIv2.proto (Document, Info, Definitions,
 * NamedSchema, Schema, AdditionalPropertiesItem, TypeItem, ItemsItem, Properties, NamedAny,
 * Any). Extension and example values go in `Any.yaml` (2) as JSON, which is YAML.
 * A test helper: the server answers v2 in JSON only, as kube's aggregator reads it.
 */
import { ProtoWriter } from "../../client/src/protobuf/writer.js";

type Json = Record<string, unknown>;

const LEN = 2;
const VARINT = 0;
const I64 = 1;

function tag(w: ProtoWriter, field: number, wire: number): void {
  w.uvarint(field * 8 + wire);
}
function str(w: ProtoWriter, field: number, s: string): void {
  tag(w, field, LEN);
  w.string(s);
}
function message(w: ProtoWriter, field: number, body: () => void): void {
  tag(w, field, LEN);
  const at = w.begin();
  body();
  w.end(at);
}
function any(w: ProtoWriter, field: number, value: unknown): void {
  message(w, field, () => str(w, 2, JSON.stringify(value)));
}
function int(w: ProtoWriter, field: number, v: number): void {
  tag(w, field, VARINT);
  w.varint(v);
}
function bool(w: ProtoWriter, field: number, v: boolean): void {
  tag(w, field, VARINT);
  w.uvarint(v ? 1 : 0);
}
function double(w: ProtoWriter, field: number, v: number): void {
  tag(w, field, I64);
  w.double(v);
}

const STRINGS: Record<string, number> = { $ref: 1, format: 2, title: 3, description: 4, pattern: 13 };
const INTEGERS: Record<string, number> = { maxLength: 11, minLength: 12, maxItems: 14, minItems: 15, maxProperties: 17, minProperties: 18 };
const DOUBLES: Record<string, number> = { multipleOf: 6, maximum: 7, minimum: 9 };
const BOOLS: Record<string, number> = { exclusiveMaximum: 8, exclusiveMinimum: 10, uniqueItems: 16, readOnly: 27 };

/** openapi.v2.Schema. */
function schema(w: ProtoWriter, s: Json): void {
  for (const [k, v] of Object.entries(s)) {
    if (k in STRINGS) str(w, STRINGS[k]!, v as string);
    else if (k in INTEGERS) int(w, INTEGERS[k]!, v as number);
    else if (k in DOUBLES) double(w, DOUBLES[k]!, v as number);
    else if (k in BOOLS && typeof v === "boolean") bool(w, BOOLS[k]!, v);
    else if (k === "default") any(w, 5, v);
    else if (k === "example") any(w, 30, v);
    else if (k === "required") for (const r of v as string[]) str(w, 19, r);
    else if (k === "enum") for (const e of v as unknown[]) any(w, 20, e);
    else if (k === "additionalProperties") {
      message(w, 21, () => (typeof v === "boolean" ? bool(w, 2, v) : message(w, 1, () => schema(w, v as Json))));
    } else if (k === "type") message(w, 22, () => [v].flat().forEach((t) => str(w, 1, t as string)));
    else if (k === "items") message(w, 23, () => [v].flat().forEach((i) => message(w, 1, () => schema(w, i as Json))));
    else if (k === "allOf") for (const a of v as Json[]) message(w, 24, () => schema(w, a));
    else if (k === "properties") message(w, 25, () => namedSchemas(w, v as Record<string, Json>));
    else if (k.startsWith("x-")) message(w, 31, () => (str(w, 1, k), any(w, 2, v)));
  }
}

/** repeated NamedSchema additional_properties = 1 (Definitions, Properties). */
function namedSchemas(w: ProtoWriter, map: Record<string, Json>): void {
  for (const [name, s] of Object.entries(map)) message(w, 1, () => (str(w, 1, name), message(w, 2, () => schema(w, s))));
}

/** openapi.v2.Document: swagger (1), info (2: title 1, version 2), definitions (9). */
export function encodeOpenAPIv2(doc: Json): Buffer {
  const w = new ProtoWriter();
  str(w, 1, doc.swagger as string);
  const info = (doc.info ?? {}) as Json;
  message(w, 2, () => {
    if (info.title) str(w, 1, info.title as string);
    if (info.version) str(w, 2, info.version as string);
  });
  message(w, 9, () => namedSchemas(w, doc.definitions as Record<string, Json>));
  return w.finish();
}
