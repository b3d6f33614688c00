/**
 * Go's formatting of bad values in error text, so messages read exactly as
 * kube-apiserver's: strings `%q`, numbers and booleans `%v`, anything else
 * JSON (field.Error.ErrorBody). JSON integers decode as int64 in Kubernetes,
 * so integral numbers print as integers and the rest as Go float64 `%v`.
 */

/** strconv.Quote for the strings Kubernetes objects carry. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + '"';
}

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

/** How field.Error.ErrorBody prints a bad value. */
export function goValue(v: unknown): string {
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number") return goNumber(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "boolean") return String(v);
  return JSON.stringify(sortKeys(v)) ?? "null";
}

/** encoding/json sorts map keys. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
