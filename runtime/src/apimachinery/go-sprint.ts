/**
 * Go's fmt of decoded JSON values (map[string]interface{}, []interface{}, int64 or
 * float64, string, bool, nil), for error texts that embed a patch the way
 * k8s.io/apimachinery's mergepatch errors do (`%v`, `%s`, reflect type names).
 */
import { goNumber } from "../validation/go-format.js";

/** `%v`: maps as `map[k:v ...]` with sorted keys, slices as `[a b]`, nil as `<nil>`. */
export function goSprint(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return goNumber(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(goSprint).join(" ")}]`;
  const o = v as Record<string, unknown>;
  return `map[${Object.keys(o)
    .sort()
    .map((k) => `${k}:${goSprint(o[k])}`)
    .join(" ")}]`;
}

/** reflect.TypeOf(v).String() of a decoded JSON value (integers decode as int64 in kube). */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

/** `%s` of an interface{}: strings as they are, anything else as fmt's `%!s(type=value)`. */
export function goSprintS(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "%!s(<nil>)";
  if (Array.isArray(v)) return `[${v.map(goSprintS).join(" ")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goSprintS(o[k])}`)
      .join(" ")}]`;
  }
  return `%!s(${goTypeName(v)}=${goSprint(v)})`;
}
