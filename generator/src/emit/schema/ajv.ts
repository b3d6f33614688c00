/**
 * Compiles a structural schema into Ajv standalone code at generation time, so
 * the server never compiles a schema at start-up. The structural schema is
 * first translated into the JSON Schema Ajv speaks (boolean exclusive bounds
 * become numeric ones, int-or-string becomes a two-type union, formats
 * Kubernetes ignores are dropped, defaults are left to the runtime
 * defaulter) and the emitted module's `require`s become ESM imports.
 */
import { Ajv, _, type ValidateFunction } from "ajv";
import standaloneModule from "ajv/dist/standalone/index.js";
import type { StructuralSchema } from "@skai-gen/runtime";

/** Where generated validators take format checks from at run time. */
const FORMATS_MODULE = "@skai-gen/runtime/validation/formats";
/** Where generated validators take their (RE2) `pattern` engine from at run time. */
const RE2_MODULE = "@skai-gen/runtime/validation/re2";

/**
 * Ajv's regular-expression engine: at generation time JavaScript's (the
 * reader already checked the patterns), in the emitted code the runtime's RE2,
 * so `pattern` matches as Go's regexp does in kube-apiserver.
 */
const patternEngine = Object.assign((pattern: string, flags: string) => new RegExp(pattern, flags), {
  code: `require(${JSON.stringify(RE2_MODULE)}).re2`,
});

/**
 * The string formats Kubernetes checks in CRD schemas (apiextensions'
 * supportedFormats; `datetime` and `date-time` are one). Mirrors
 * runtime/src/validation/formats.ts, which implements them.
 */
export const KUBERNETES_FORMATS = [
  "bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac",
  "uuid", "uuid3", "uuid4", "uuid5", "isbn", "isbn10", "isbn13", "creditcard",
  "ssn", "hexcolor", "rgbcolor", "byte", "password", "date", "duration", "datetime", "date-time",
];

type JsonSchema = Record<string, unknown>;

// A CommonJS module seen from ESM: its default export sits under `.default`.
const standaloneCode = (standaloneModule as unknown as { default: (ajv: Ajv, validate: ValidateFunction) => string }).default;

/** The Ajv (draft-07) reading of a structural schema node. */
export function toAjvSchema(s: StructuralSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(s)) {
    switch (k) {
      case "description":
      case "default":
      case "exclusiveMinimum":
      case "exclusiveMaximum":
        break; // docs and defaults are not validation; exclusive bounds are handled below
      case "properties":
        out.properties = Object.fromEntries(Object.entries(v as Record<string, StructuralSchema>).map(([p, x]) => [p, toAjvSchema(x)]));
        break;
      case "items":
        out.items = toAjvSchema(v as StructuralSchema);
        break;
      case "additionalProperties":
        out.additionalProperties = typeof v === "boolean" ? v : toAjvSchema(v as StructuralSchema);
        break;
      case "anyOf":
      case "allOf":
      case "oneOf":
        if (!s["x-kubernetes-int-or-string"]) out[k] = (v as StructuralSchema[]).map(toAjvSchema);
        break;
      case "not":
        out.not = toAjvSchema(v as StructuralSchema);
        break;
      case "format":
        // Kubernetes strips formats it does not know (int32, double, ...), so they check nothing.
        if (KUBERNETES_FORMATS.includes(v as string) && s.type === "string") out.format = v;
        break;
      default:
        out[k] = v;
    }
  }
  if (s.exclusiveMinimum && s.minimum !== undefined) {
    delete out.minimum;
    out.exclusiveMinimum = s.minimum;
  }
  if (s.exclusiveMaximum && s.maximum !== undefined) {
    delete out.maximum;
    out.exclusiveMaximum = s.maximum;
  }
  // kube-openapi types int-or-string as ["integer","string"]: one type error, not an anyOf failure.
  if (s["x-kubernetes-int-or-string"]) out.type = ["integer", "string"];
  return out;
}

/**
 * Hoists object schemas that occur more than once (Kubernetes types such as
 * Container, reached from containers, initContainers and ephemeral containers)
 * into `definitions`, so Ajv compiles each into one shared function instead of
 * inlining it at every use: the pod template alone would otherwise be
 * megabytes of code. Validation and error paths are unchanged.
 */
function shareRepeatedSchemas(root: JsonSchema, minChars = 300): JsonSchema {
  const counts = new Map<string, number>();
  const count = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(count);
    const n = node as JsonSchema;
    if (n.type === "object" && n.properties) {
      const key = JSON.stringify(n);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const v of Object.values(n)) count(v);
  };
  count(root);
  const definitions: Record<string, JsonSchema> = {};
  const names = new Map<string, string>();
  const rebuild = (node: unknown, isDefinition = false): unknown => {
    if (!node || typeof node !== "object") return node;
    if (Array.isArray(node)) return node.map((x) => rebuild(x));
    const n = node as JsonSchema;
    const key = n.type === "object" && n.properties ? JSON.stringify(n) : undefined;
    if (!isDefinition && key && key.length >= minChars && (counts.get(key) ?? 0) > 1) {
      let name = names.get(key);
      if (!name) {
        names.set(key, (name = `s${names.size}`));
        definitions[name] = rebuild(n, true) as JsonSchema;
      }
      return { $ref: `#/definitions/${name}` };
    }
    return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, k === "enum" || k === "required" ? v : rebuild(v)]));
  };
  const out = rebuild(root) as JsonSchema;
  return names.size ? { ...out, definitions } : out;
}

/** An Ajv instance that emits ESM standalone code and knows the Kubernetes keywords and formats. */
export function newAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false, // int-or-string is a union type, and pattern sits beside it
    strictRequired: false,
    allowUnionTypes: true,
    inlineRefs: false, // shared definitions stay one function each
    code: { source: true, esm: true, optimize: true, lines: true, formats: _`require(${FORMATS_MODULE}).formats`, regExp: patternEngine },
  });
  for (const keyword of [
    "x-kubernetes-int-or-string",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-embedded-resource",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
    "x-kubernetes-validations", // enforced by the runtime's CEL evaluator
  ])
    ajv.addKeyword({ keyword, schemaType: ["boolean", "string", "array", "object"] });
  // Placeholders with the real checks' shape (a function): the code calls the runtime's.
  for (const f of KUBERNETES_FORMATS) ajv.addFormat(f, () => true);
  return ajv;
}

/** ESM module source exporting `validate` (and default) for one schema. */
/** Standalone code by schema JSON: in watch mode an unchanged kind is not compiled again. */
const compiled = new Map<string, string>();

export function compileStandalone(schema: StructuralSchema, ajv?: Ajv): string {
  const key = JSON.stringify(schema);
  let code = compiled.get(key);
  if (code === undefined) {
    const instance = ajv ?? newAjv();
    const validate = instance.compile(shareRepeatedSchemas(toAjvSchema(schema)));
    code = esmImports(standaloneCode(instance, validate));
    compiled.set(key, code);
  }
  return code;
}

/**
 * Ajv's ESM output still calls `require` for its runtime helpers (and our
 * formats); a `require` is undefined in an ES module, so each becomes an
 * import. Ajv's helpers are CommonJS (default import = module.exports); the
 * formats module is ESM (namespace import).
 */
function esmImports(code: string): string {
  const names = new Map<string, string>();
  const body = code.replace(/require\(("[^"]+")\)/g, (_m, spec: string) => {
    const specifier = JSON.parse(spec) as string;
    let name = names.get(specifier);
    if (!name) names.set(specifier, (name = `__import${names.size}`));
    return name;
  });
  const imports = [...names].map(([specifier, name]) =>
    specifier.startsWith("ajv/")
      ? `import ${name} from ${JSON.stringify(specifier.endsWith(".js") ? specifier : `${specifier}.js`)};`
      : `import * as ${name} from ${JSON.stringify(specifier)};`,
  );
  return [...imports, body.replace(/^"use strict";/, "")].join("\n");
}
