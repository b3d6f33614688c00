/**
 * Path elements of structured-merge-diff (sigs.k8s.io/structured-merge-diff/v4
 * fieldpath/element.go), kept in their FieldsV1 spelling because that is the form
 * stored and compared everywhere: `f:<field>`, `k:<json key object>`, `v:<json value>`,
 * `i:<index>`. The JSON parts are canonical (sorted keys, no spaces) so equal elements
 * are equal strings.
 */

/** JSON with object keys sorted, as Go's encoding/json writes maps. */
export function canonicalJSON(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonicalJSON).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJSON(o[k])}`)
    .join(",")}}`;
}

/** Field names seen so far and their path elements, up to FIELD_PE_CACHE_MAX: a schema's few hundred field names come back on every write. */
const fieldPEs = new Map<string, string>();
const FIELD_PE_CACHE_MAX = 4096;

/**
 * `f:<name>`. A new string each time would be hashed again wherever it becomes an object
 * key (FieldsV1 nodes are objects keyed by path elements); the cached one is hashed once.
 */
export function fieldPE(name: string): string {
  let pe = fieldPEs.get(name);
  if (pe === undefined) {
    pe = `f:${name}`;
    if (fieldPEs.size < FIELD_PE_CACHE_MAX) fieldPEs.set(name, pe);
  }
  return pe;
}
export const valuePE = (v: unknown): string => `v:${canonicalJSON(v)}`;
export const indexPE = (i: number): string => `i:${i}`;
/** A list-map item's key: the key fields sorted by name (fieldpath.KeyByFields). */
export function keyPE(fields: Record<string, unknown>): string {
  return `k:${canonicalJSON(fields)}`;
}

/** Re-spells a FieldsV1 key canonically; throws on what is not a path element. */
export function parsePE(s: string): string {
  const kind = s.slice(0, 2);
  const rest = s.slice(2);
  switch (kind) {
    case "f:":
      return s;
    case "k:": {
      const v = JSON.parse(rest) as unknown;
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error(`invalid key ${rest}`);
      return `k:${canonicalJSON(v)}`;
    }
    case "v:":
      return `v:${canonicalJSON(JSON.parse(rest))}`;
    case "i:":
      if (!/^\d+$/.test(rest)) throw new Error(`invalid index ${rest}`);
      return `i:${Number(rest)}`;
    default:
      throw new Error(`unknown path element ${JSON.stringify(s)}`);
  }
}

/** value.ToString: strings Go-quoted, other scalars as Go prints them. */
function valueString(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(",")}]`;
  if (typeof v === "object") {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}=${valueString(x)}`)
      .join("");
  }
  return String(v);
}

/** PathElement.String(), the form conflict messages print: `.spec`, `[name="a"]`, `[="x"]`, `[0]`. */
function peString(pe: string): string {
  const rest = pe.slice(2);
  switch (pe.slice(0, 2)) {
    case "f:":
      return `.${rest}`;
    case "k:": {
      const o = JSON.parse(rest) as Record<string, unknown>;
      return `[${Object.keys(o)
        .map((k) => `${k}=${valueString(o[k])}`)
        .join(",")}]`;
    }
    case "v:":
      return `[=${valueString(JSON.parse(rest))}]`;
    case "i:":
      return `[${rest}]`;
    default:
      return "{{invalid path element}}";
  }
}

export const pathString = (path: readonly string[]): string => path.map(peString).join("");

/** The order of a path element's kind: `f:` 0, `k:` 1, `v:` 2, `i:` 3, anything else 4 (read without slicing: sorts call it per comparison). */
function rank(pe: string): number {
  if (pe.charCodeAt(1) !== 0x3a) return 4;
  switch (pe.charCodeAt(0)) {
    case 0x66:
      return 0;
    case 0x6b:
      return 1;
    case 0x76:
      return 2;
    case 0x69:
      return 3;
    default:
      return 4;
  }
}

/** PathElement.Less: field names, then keys, then values, then indexes. */
export function comparePE(a: string, b: string): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 3) return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}
