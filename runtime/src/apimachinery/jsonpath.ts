/**
 * The subset of Kubernetes JSONPath (k8s.io/client-go/util/jsonpath) that print columns
 * and selectable fields use: `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[*]`, `..`-free paths and
 * filters `[?(@.type=="Ready")]` with ==, !=, <, >, <=, >=. Paths are compiled once.
 */

type Step =
  | { kind: "field"; name: string }
  | { kind: "index"; index: number }
  | { kind: "wildcard" }
  | { kind: "filter"; path: Step[]; op: string; value: unknown; exists: boolean };

export type CompiledPath = (obj: unknown) => unknown[];

const cache = new Map<string, CompiledPath>();

/** Compiles `path` (with or without surrounding `{}`) into a function returning all matches. */
export function compileJSONPath(path: string): CompiledPath {
  let fn = cache.get(path);
  if (!fn) {
    const steps = parsePath(stripBraces(path.trim()));
    fn = (obj) => evaluate(steps, [obj]);
    cache.set(path, fn);
  }
  return fn;
}

/** First match or undefined. */
export function findFirst(path: string, obj: unknown): unknown {
  return compileJSONPath(path)(obj)[0];
}

function stripBraces(p: string): string {
  if (p.startsWith("{") && p.endsWith("}")) p = p.slice(1, -1).trim();
  if (p.startsWith("$")) p = p.slice(1);
  return p;
}

function parsePath(p: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === ".") {
      i++;
      let j = i;
      while (j < p.length && p[j] !== "." && p[j] !== "[") {
        if (p[j] === "\\") j++;
        j++;
      }
      const name = p.slice(i, j).replace(/\\(.)/g, "$1");
      if (name === "*") steps.push({ kind: "wildcard" });
      else if (name) steps.push({ kind: "field", name });
      i = j;
    } else if (c === "[") {
      const end = findClose(p, i);
      const inner = p.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === "*") steps.push({ kind: "wildcard" });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: "field", name: inner.slice(1, -1) });
      else if (inner.startsWith("?(") && inner.endsWith(")")) steps.push(parseFilter(inner.slice(2, -1).trim()));
      else throw new Error(`unrecognized jsonpath segment [${inner}]`);
    } else if (c === " ") {
      i++;
    } else {
      // a leading bare name (e.g. `spec.replicas`)
      let j = i;
      while (j < p.length && p[j] !== "." && p[j] !== "[") j++;
      steps.push({ kind: "field", name: p.slice(i, j) });
      i = j;
    }
  }
  return steps;
}

function findClose(p: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < p.length; i++) {
    const c = p[i];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") {
      depth--;
      if (depth === 0 && c === "]") return i;
    }
  }
  throw new Error(`unterminated [ in jsonpath ${p}`);
}

function parseFilter(expr: string): Step {
  const m = /^@((?:\.[^\s=!<>]+|\[[^\]]*\])*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(expr);
  if (!m) {
    const ex = /^@((?:\.[^\s=!<>]+|\[[^\]]*\])*)$/.exec(expr);
    if (ex) return { kind: "filter", path: parsePath(ex[1]), op: "", value: undefined, exists: true };
    throw new Error(`unsupported jsonpath filter ${expr}`);
  }
  let raw = m[3].trim();
  let value: unknown;
  if (/^'.*'$|^".*"$/.test(raw)) value = raw.slice(1, -1);
  else if (raw === "true" || raw === "false") value = raw === "true";
  else if (!Number.isNaN(Number(raw))) value = Number(raw);
  else value = raw;
  return { kind: "filter", path: parsePath(m[1]), op: m[2], value, exists: false };
}

function evaluate(steps: Step[], current: unknown[]): unknown[] {
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || v === undefined) continue;
      switch (step.kind) {
        case "field":
          if (typeof v === "object" && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, step.name)) {
            next.push((v as Record<string, unknown>)[step.name]);
          }
          break;
        case "index":
          if (Array.isArray(v)) {
            const i = step.index < 0 ? v.length + step.index : step.index;
            if (i >= 0 && i < v.length) next.push(v[i]);
          }
          break;
        case "wildcard":
          if (Array.isArray(v)) next.push(...v);
          else if (typeof v === "object") next.push(...Object.values(v as object));
          break;
        case "filter":
          if (Array.isArray(v)) {
            for (const el of v) if (filterMatches(step, el)) next.push(el);
          }
          break;
      }
    }
    current = next;
  }
  return current;
}

function filterMatches(f: Extract<Step, { kind: "filter" }>, el: unknown): boolean {
  const found = evaluate(f.path, [el]);
  if (f.exists) return found.length > 0;
  if (found.length === 0) return false;
  const a = found[0] as never;
  const b = f.value as never;
  switch (f.op) {
    case "==":
      return a === b || String(a) === String(b);
    case "!=":
      return !(a === b || String(a) === String(b));
    case "<":
      return a < b;
    case ">":
      return a > b;
    case "<=":
      return a <= b;
    case ">=":
      return a >= b;
  }
  return false;
}
