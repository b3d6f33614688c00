/**
 * Field selectors with the syntax and texts of k8s.io/apimachinery/pkg/fields/selector.go:
 * comma-separated `field=value`, `field==value`, `field!=value` terms; values escape
 * `\`, `,` and `=` with a backslash, fields escape nothing.
 */

export interface FieldRequirement {
  field: string;
  operator: "=" | "!=";
  value: string;
}

/** fields.Selector: requirements in the order of their sorted terms, all of which must match. */
export interface ParsedFieldSelector {
  requirements: FieldRequirement[];
  empty: boolean;
  /** `get(field)` returns the object's value for the field as a string ("" when absent). */
  matches(get: (field: string) => string): boolean;
}

/** Splits on unescaped commas; escapes stay in the terms. */
function splitTerms(s: string): string[] {
  if (s === "") return [];
  const terms: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === ",") {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

// `==` before `=`, so `a==b` does not leave `=b` as the value.
const TERM_OPERATORS = ["!=", "==", "="] as const;

/** The first operator splits the term: a field cannot escape one. */
function splitTerm(term: string): [string, (typeof TERM_OPERATORS)[number], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    const op = TERM_OPERATORS.find((o) => term.startsWith(o, i));
    if (op) return [term.slice(0, i), op, term.slice(i + op.length)];
  }
  return undefined;
}

/** fields.UnescapeValue, with its error texts (Go prints the unescaped rune as its code point). */
function unescapeValue(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") {
      if (i + 1 >= s.length) throw new Error("invalid field selector: invalid escape sequence: \\");
      const next = s[++i];
      if (next !== "\\" && next !== "," && next !== "=") throw new Error(`invalid field selector: invalid escape sequence: \\${next}`);
      out += next;
    } else if (c === "," || c === "=") {
      throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  return out;
}

/** fields.EscapeValue: the value as a selector term carries it. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => "\\" + c);
}

/** fields.ParseSelector. Throws an Error with kube's message on invalid input. */
export function parseFieldSelector(selector: string): ParsedFieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(selector).sort()) {
    if (term === "") continue;
    const parts = splitTerm(term);
    if (!parts) throw new Error(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [field, op, value] = parts;
    requirements.push({ field, operator: op === "!=" ? "!=" : "=", value: unescapeValue(value) });
  }
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (get) => requirements.every((r) => (get(r.field) === r.value) === (r.operator === "=")),
  };
}
