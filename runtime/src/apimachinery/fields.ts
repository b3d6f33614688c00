/**
 * Field selectors with the syntax and texts of k8s.io/apimachinery/pkg/fields/selector.go:
 * comma-separated `field=value`, `field==value`, `field!=value` terms with `\`-escaping.
 */

export interface FieldRequirement {
  field: string;
  operator: "=" | "!=";
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
  empty: boolean;
  /** `get(field)` returns the object's value for the field as a string ("" when absent). */
  matches(get: (field: string) => string): boolean;
}

/** Splits on unescaped commas. */
function splitTerms(s: string): string[] {
  if (s === "") return [];
  const terms: string[] = [];
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\" && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === ",") {
      terms.push(cur);
      cur = "";
    } else cur += c;
  }
  terms.push(cur);
  return terms;
}

function splitTerm(term: string): [string, "=" | "!=", string] | null {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === "\\") {
      i++;
      continue;
    }
    for (const op of ["!=", "==", "="] as const) {
      if (term.startsWith(op, i)) {
        return [term.slice(0, i), op === "==" ? "=" : op, term.slice(i + op.length)];
      }
    }
  }
  return null;
}

function unescapeValue(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") {
      if (i + 1 >= s.length) throw new Error(`invalid field selector: unterminated escape sequence`);
      const n = s[++i];
      if (n !== "\\" && n !== "," && n !== "=") throw new Error(`invalid field selector: invalid escape sequence: \\${n}`);
      out += n;
    } else if (c === "," || c === "=") {
      throw new Error(`invalid field selector: unescaped ${c} in value`);
    } else out += c;
  }
  return out;
}

export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const t = splitTerm(part);
    if (!t) throw new Error(`invalid selector: '${selector}'; can't understand '${part}'`);
    reqs.push({ field: t[0], operator: t[1], value: unescapeValue(t[2]) });
  }
  return {
    requirements: reqs,
    empty: reqs.length === 0,
    matches: (get) => reqs.every((r) => (get(r.field) === r.value) === (r.operator === "=")),
  };
}
