/**
 * Go's formatting of bad values in error text, so messages read exactly as
 * kube-apiserver's: strings `%q`, numbers and booleans `%v`, anything else
 * JSON (field.Error.ErrorBody); numbers as apimachinery/go-sprint.ts prints them.
 */
import { goNumber } from "../apimachinery/go-sprint.js";

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
