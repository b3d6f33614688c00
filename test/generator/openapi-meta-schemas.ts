// Loads the vendored OpenAPI 3.0 and Swagger 2.0 meta-schemas (draft-04) into ajv 8,
// converting the few draft-04 keywords in memory; see test/fixtures/openapi/README.md.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv";

// ajv and ajv-formats are CommonJS with a `default` export; require them so
// both tsx and tsc (NodeNext) agree on the shape.
const require = createRequire(import.meta.url);
interface AjvLike {
  compile(schema: object): ValidateFunction;
  addSchema(schema: object): unknown;
}
const Ajv: new (opts: object) => AjvLike = require("ajv").default;
const addFormats: (ajv: AjvLike) => unknown = require("ajv-formats").default;
const dir = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/openapi");

/** draft-04 -> draft-07: `id` -> `$id`, no `$schema`, boolean exclusive bounds -> numeric ones. */
function fromDraft04(node: unknown, top = true): unknown {
  if (Array.isArray(node)) return node.map((n) => fromDraft04(n, false));
  if (!node || typeof node !== "object") return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (top && k === "id") out.$id = v;
    else if (top && k === "$schema") continue;
    else if (k === "properties" || k === "definitions" || k === "patternProperties") {
      // Names under these are property names, not keywords.
      out[k] = Object.fromEntries(Object.entries(v as object).map(([n, s]) => [n, fromDraft04(s, false)]));
    } else out[k] = fromDraft04(v, false);
  }
  for (const [flag, bound] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]] as const) {
    if (typeof out[flag] === "boolean") {
      if (out[flag] && typeof out[bound] === "number") {
        out[flag] = out[bound];
        delete out[bound];
      } else delete out[flag];
    }
  }
  return out;
}

const load = (file: string) => fromDraft04(JSON.parse(readFileSync(join(dir, file), "utf8"))) as Record<string, unknown>;

function newAjv() {
  const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false });
  addFormats(ajv);
  return ajv;
}

export function openapi3Validator(): ValidateFunction {
  return newAjv().compile(load("oas-3.0-schema.json"));
}

export function swagger2Validator(): ValidateFunction {
  const ajv = newAjv();
  const draft04 = load("json-schema-draft-04.json");
  // The Swagger schema refers to draft-04 parts as `http://json-schema.org/draft-04/schema#/...`.
  draft04.$id = "http://json-schema.org/draft-04/schema";
  ajv.addSchema(draft04);
  return ajv.compile(load("swagger-2.0-schema.json"));
}
