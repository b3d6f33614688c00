/**
 * The CEL type of a schema node, with the sizes cost estimation needs, as
 * kube-apiserver derives them (k8s.io/apiserver/pkg/cel/common/schemas.go
 * SchemaDeclType, with apiextensions' model.WithTypeAndObjectMeta at a
 * resource root): integer -> int, number -> double, date/date-time strings ->
 * timestamp, duration -> duration, byte -> bytes, int-or-string -> dyn,
 * arrays -> lists, additionalProperties -> map(string, V), objects -> an
 * object type with their declared (escaped) properties only: preserved
 * unknown fields are not visible to rules.
 */
import type { StructuralSchema } from "@skai-gen/runtime";
import { T, type Type } from "./cel-types.js";

/** celconfig.MaxRequestSizeBytes: the bound of every size kube cannot read from the schema. */
export const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;

// k8s.io/apiserver/pkg/cel/limits.go
const MAX_DURATION_SIZE_JSON = 32;
const MAX_DATETIME_SIZE_JSON = 32;
const MIN_DURATION_SIZE_JSON = 3;
const JSON_DATE_SIZE = 12;
const MIN_DATETIME_SIZE_JSON = 21;
const MIN_STRING_SIZE = 2;
const MIN_BOOL_SIZE = 4;
const MIN_NUMBER_SIZE = 1;
/** DNS1123SubdomainMaxLength: metadata.name's length at a resource root. */
const NAME_MAX_LENGTH = 253;

export interface DeclType {
  type: Type;
  /** Largest size (string length, items, properties) a value can have; 0 for scalars. */
  maxElements: number;
  /** Smallest JSON encoding of a value, to bound how many fit in a request. */
  minSerializedSize: number;
  /** Object properties by their CEL (escaped) names. */
  fields?: Map<string, DeclType>;
  /** List items or map values. */
  elem?: DeclType;
  key?: DeclType;
}

function scalar(type: Type, minSerializedSize: number, maxElements = 0): DeclType {
  return { type, maxElements, minSerializedSize };
}

/**
 * The type of `self` for rules on `s`; undefined when kube does not expose the
 * node to CEL. `name` names object types (kube: `selfType<n>`, its fields
 * `selfType<n>.<field>`); objects inside list items and map values stay `object`.
 */
export function schemaDeclType(s: StructuralSchema, isResourceRoot: boolean, name = "object"): DeclType | undefined {
  if (s["x-kubernetes-int-or-string"]) {
    return scalar(T.dyn, 1, s.maxLength !== undefined ? zeroIfNegative(s.maxLength) * 4 : MAX_REQUEST_SIZE_BYTES - 2);
  }
  if (isResourceRoot) s = withTypeAndObjectMeta(s);
  switch (s.type) {
    case "array": {
      if (!s.items) return undefined;
      const items = schemaDeclType(s.items, !!s.items["x-kubernetes-embedded-resource"]);
      if (!items) return undefined;
      const max = s.maxItems !== undefined ? zeroIfNegative(s.maxItems) : Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (items.minSerializedSize + 1));
      return { type: T.list(items.type), maxElements: max, minSerializedSize: 2, elem: items };
    }
    case "object": {
      const additional = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
      if (additional) {
        const values = schemaDeclType(additional, !!additional["x-kubernetes-embedded-resource"]);
        if (!values) return undefined;
        const max = s.maxProperties !== undefined ? zeroIfNegative(s.maxProperties) : Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (values.minSerializedSize + 6));
        // kube's generic StringType: no size of its own, so keys count as empty strings.
        const key = scalar(T.string, MIN_STRING_SIZE);
        return { type: T.map(T.string, values.type), maxElements: max, minSerializedSize: 2, elem: values, key };
      }
      const required = new Set(s.required ?? []);
      const fields = new Map<string, DeclType>();
      let minSerializedSize = 2;
      for (const [prop, ps] of Object.entries(s.properties ?? {})) {
        const celName = escapeName(prop);
        const field = schemaDeclType(ps, !!ps["x-kubernetes-embedded-resource"], celName === undefined ? "object" : `${name}.${celName}`);
        if (!field) continue;
        if (celName !== undefined) fields.set(celName, field);
        if (required.has(prop) && ps.default === undefined) minSerializedSize += prop.length + field.minSerializedSize + 4;
      }
      const types = new Map([...fields].map(([k, v]) => [k, v.type]));
      return { type: { kind: "object", name, fields: types }, maxElements: 0, minSerializedSize, fields };
    }
    case "string":
      return stringDeclType(s);
    case "boolean":
      return scalar(T.bool, MIN_BOOL_SIZE);
    case "number":
      return scalar(T.double, MIN_NUMBER_SIZE);
    case "integer":
      return scalar(T.int, MIN_NUMBER_SIZE);
  }
  return undefined;
}

function stringDeclType(s: StructuralSchema): DeclType {
  switch (s.format) {
    case "byte":
      return scalar(T.bytes, MIN_STRING_SIZE, s.maxLength !== undefined ? zeroIfNegative(s.maxLength) : MAX_REQUEST_SIZE_BYTES - 2);
    case "duration":
      return scalar(T.duration, MIN_DURATION_SIZE_JSON, MAX_DURATION_SIZE_JSON);
    case "date":
      return scalar(T.timestamp, JSON_DATE_SIZE, JSON_DATE_SIZE);
    case "date-time":
      return scalar(T.timestamp, MIN_DATETIME_SIZE_JSON, MAX_DATETIME_SIZE_JSON);
  }
  let max: number;
  if (s.maxLength !== undefined) max = zeroIfNegative(s.maxLength) * 4; // maxLength counts code points; sizes are bytes
  else if (s.enum?.length) max = Math.max(0, ...s.enum.map((v) => (typeof v === "string" ? v.length : 0)));
  else max = MAX_REQUEST_SIZE_BYTES - 2;
  return scalar(T.string, MIN_STRING_SIZE, max);
}

/** kind, apiVersion, metadata.name and metadata.generateName are visible at the root of every resource. */
function withTypeAndObjectMeta(s: StructuralSchema): StructuralSchema {
  const p = s.properties;
  const meta = p?.metadata?.properties;
  if (p?.kind?.type === "string" && p.apiVersion?.type === "string" && p.metadata?.type === "object" && meta?.name?.type === "string" && meta.generateName?.type === "string") {
    return s;
  }
  const capped = (existing: StructuralSchema | undefined, max: number): StructuralSchema => ({
    type: "string",
    maxLength: existing?.maxLength !== undefined && existing.maxLength < max ? existing.maxLength : max,
  });
  return {
    ...s,
    properties: {
      ...p,
      kind: { type: "string" },
      apiVersion: { type: "string" },
      metadata: { type: "object", properties: { name: capped(meta?.name, NAME_MAX_LENGTH), generateName: capped(meta?.generateName, NAME_MAX_LENGTH - 1) } },
    },
  };
}

function zeroIfNegative(n: number): number {
  return n < 0 ? 0 : n;
}

/** CEL's reserved words (k8s.io/apiserver/pkg/cel/escaping.go); a property so named is `__<word>__`. */
const RESERVED = new Set([
  "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if",
  "import", "let", "loop", "package", "namespace", "return", "var", "void", "while",
]);

/** A property name as rules spell it (kube's cel.Escape), or undefined when rules cannot name it. */
function escapeName(name: string): string | undefined {
  if (name === "" || /^[0-9]/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z0-9_./-]+$/.test(name)) return undefined;
  return name.replace(/__|[-./]/g, (m) => ({ __: "__underscores__", ".": "__dot__", "-": "__dash__", "/": "__slash__" })[m]!);
}
