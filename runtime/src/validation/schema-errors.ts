/**
 * Turns the errors of an (ahead-of-time compiled) Ajv validator into
 * Kubernetes FieldErrors, with the paths, cause types and messages that
 * kube-apiserver gives for CRD schema validation: apiextensions-apiserver's
 * kubeOpenAPIResultToFieldErrors over kube-openapi's validate package.
 * kube-openapi names a value by its path with `in body`, indexes lists as
 * `[i]` and joins map keys with `.`, as does this file.
 */
import type { FieldError } from "../api/resource.js";
import { fieldError } from "./field-errors.js";
import { goFloat, goNumber } from "../apimachinery/go-sprint.js";
import { goQuote } from "./go-format.js";
import { NIL_PATH } from "./paths.js";

/** The part of an Ajv ErrorObject this file reads (what standalone code produces). */
export interface SchemaErrorObject {
  keyword: string;
  instancePath: string;
  schemaPath?: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A compiled validator: Ajv's standalone `validate` function. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: SchemaErrorObject[] | null;
}

/** Splits a JSON pointer and walks `root` along it, giving the Kubernetes path and the value found. */
export function resolvePointer(root: unknown, pointer: string): { path: string; value: unknown } {
  let path = "";
  let cur: unknown = root;
  if (!pointer) return { path, value: cur };
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur)) {
      path += `[${seg}]`;
      cur = cur[Number(seg)];
    } else {
      path = path ? `${path}.${seg}` : seg;
      cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return { path, value: cur };
}

/** JSON type name of a value as kube-openapi infers it from decoded JSON (int64 vs float64). */
export function jsonTypeOf(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v === "object" ? "object" : typeof v;
}

/** A schema limit printed as kube-openapi prints it: as int64 when the value checked is an integer. */
function limit(n: number, value: unknown): string {
  return typeof value === "number" && Number.isInteger(value) && Number.isInteger(n) ? goNumber(n) : goFloat(n);
}

export function schemaErrorsToFieldErrors(errors: readonly SchemaErrorObject[] | null | undefined, root: unknown): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors ?? []) {
    const { path: found, value } = resolvePointer(root, e.instancePath);
    // The object itself has a nil path upstream; its children are named from the root.
    const path = found || NIL_PATH;
    const p = e.params;
    const where = `${found} in body`;
    switch (e.keyword) {
      case "required": {
        const prop = String(p.missingProperty);
        out.push(fieldError.required(found ? `${found}.${prop}` : prop));
        break;
      }
      case "type": {
        const types = Array.isArray(p.type) ? p.type.join(",") : String(p.type);
        const actual = jsonTypeOf(value);
        out.push(fieldError.typeInvalid(path, actual, `${where} must be of type ${types}: ${goQuote(actual)}`));
        break;
      }
      case "format":
        // kube-openapi reports a bad format as a type error naming the format.
        out.push(fieldError.typeInvalid(path, value, `${where} must be of type ${String(p.format)}: ${goQuote(String(value))}`));
        break;
      case "enum": {
        const values = (p.allowedValues as unknown[]).map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
        out.push(fieldError.notSupported(path, value, values));
        break;
      }
      case "maximum":
      case "exclusiveMaximum":
        out.push(
          fieldError.invalid(path, value, `${where} should be less than ${e.keyword === "maximum" ? "or equal to " : ""}${limit(Number(p.limit), value)}`),
        );
        break;
      case "minimum":
      case "exclusiveMinimum":
        out.push(
          fieldError.invalid(path, value, `${where} should be greater than ${e.keyword === "minimum" ? "or equal to " : ""}${limit(Number(p.limit), value)}`),
        );
        break;
      case "multipleOf":
        out.push(fieldError.invalid(path, value, `${where} should be a multiple of ${limit(Number(p.multipleOf), value)}`));
        break;
      case "maxLength":
        out.push(fieldError.tooLong(path, Number(p.limit)));
        break;
      case "minLength":
        out.push(fieldError.invalid(path, value, `${where} should be at least ${Number(p.limit)} chars long`));
        break;
      case "pattern":
        out.push(fieldError.invalid(path, value, `${where} should match '${String(p.pattern)}'`));
        break;
      case "maxItems":
        out.push(fieldError.tooMany(path, Array.isArray(value) ? value.length : -1, Number(p.limit)));
        break;
      case "minItems":
        out.push(fieldError.invalid(path, Array.isArray(value) ? value.length : 0, `${where} should have at least ${Number(p.limit)} items`));
        break;
      case "uniqueItems":
        // kube-openapi's DuplicateItems carries no value, so the body shows "".
        out.push(fieldError.invalid(path, "", `${where} shouldn't contain duplicates`));
        break;
      case "maxProperties":
        out.push(fieldError.tooMany(path, value && typeof value === "object" ? Object.keys(value).length : -1, Number(p.limit)));
        break;
      case "minProperties":
        out.push(
          fieldError.invalid(path, value && typeof value === "object" ? Object.keys(value).length : 0, `${where} should have at least ${Number(p.limit)} properties`),
        );
        break;
      default:
        out.push(fieldError.invalid(path, "", `${where} ${e.message ?? `failed ${e.keyword}`}`));
    }
  }
  return out;
}
