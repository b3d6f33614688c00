/**
 * Go's fmt of decoded JSON values (map[string]interface{}, []interface{}, int64 or
 * float64, string, bool, nil), for error texts that embed a patch the way
 * k8s.io/apimachinery's mergepatch errors do (`%v`, `%s`, reflect type names), and for
 * field errors' values (validation/go-format.ts). JSON integers decode as int64 in
 * Kubernetes, so integral numbers print as integers and the rest as Go float64 `%v`.
 */

/** Go `%v` of a float64. */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  // %v is %g with the shortest precision: an exponent below 1e-4 and from 1e6 up (`1e+06`).
  const exp = Number(n.toExponential().split("e")[1]);
  if (exp < -4 || exp >= 6) {
    const [mant, e] = n.toExponential().split("e");
    const sign = e!.startsWith("-") ? "-" : "+";
    const digits = e!.replace(/^[+-]/, "").padStart(2, "0");
    return `${mant}e${sign}${digits}`;
  }
  return String(n);
}

/** A number as Kubernetes decoded it: int64 when integral, float64 otherwise. */
export function goNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63 ? BigInt(n).toString() : goFloat(n);
}

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
