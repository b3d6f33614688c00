/**
 * Parsing a rule, with CEL's optional field selection (`x.?f`), which kube's
 * CEL has (cel.OptionalTypes) and @bufbuild/cel 0.6's parser does not:
 * before parsing, `.?f` outside string literals and comments becomes a
 * select of a marked field name; after it, such a select becomes a call of
 * `@optSelect(x, "f")` (an optional: of x.f when x has f, none otherwise;
 * on an optional x, none stays none), and a plain select on an optional in
 * the same chain (`x.?a.b`) becomes `@optField(x, "b")`, as cel-go carries
 * optionality along a chain. The `@` names cannot be written in a rule.
 * Optional indexing (`m[?k]`, `[?x]`, `{?k: v}`) is not rewritten.
 */
import { parse } from "@bufbuild/cel";

export const OPT_SELECT = "@optSelect";
export const OPT_FIELD = "@optField";
const MARK = "__optional_select__";

/** The source with `.?name` rewritten to `.<MARK>name`, string literals and comments left alone, and where it grew (offset in the output, by how much). */
function markOptionalSelects(src: string): { text: string; growth: [number, number][] } {
  const growth: [number, number][] = [];
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === "/" && src[i + 1] === "/") {
      const end = src.indexOf("\n", i);
      const stop = end < 0 ? src.length : end;
      out += src.slice(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      const stop = stringEnd(src, i);
      out += src.slice(i, stop);
      i = stop;
    } else if (c === "." && src[i + 1] === "?" && /^\?\s*[A-Za-z_]/.test(src.slice(i + 1, i + 64))) {
      const skipped = /^\?\s*/.exec(src.slice(i + 1))![0].length;
      out += "." + MARK;
      growth.push([out.length, MARK.length - skipped]);
      i += 1 + skipped;
    } else {
      out += c;
      i++;
    }
  }
  return { text: out, growth };
}

/** Where the string literal opening at `start` ends (after its closing quote); raw strings (r'...') have no escapes. */
function stringEnd(src: string, start: number): number {
  const quote = src[start]!;
  const triple = src.startsWith(quote.repeat(3), start);
  const close = triple ? quote.repeat(3) : quote;
  const raw = /[rR][bB]?$|[bB][rR]$/.test(src.slice(Math.max(0, start - 2), start));
  for (let i = start + close.length; i < src.length; i++) {
    if (!raw && src[i] === "\\") i++;
    else if (src.startsWith(close, i)) return i + close.length;
  }
  return src.length;
}

interface Node {
  id: bigint;
  exprKind: { case: string | undefined; value?: any };
}

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && "exprKind" in v && "id" in v;
}

/** The parse of a rule, optional selects included; throws the parser's error like `parse`. */
export function parseRule(expr: string): ReturnType<typeof parse> {
  const { text, growth } = markOptionalSelects(expr);
  const parsed = parse(text);
  if (growth.length === 0) return parsed;
  // Positions as in the rule as written.
  const positions = (parsed.sourceInfo?.positions ?? {}) as Record<string, number>;
  for (const [id, at] of Object.entries(positions)) positions[id] = at - growth.filter(([end]) => end <= at).reduce((sum, [, n]) => sum + n, 0);
  let nextId = maxId(parsed.expr) + 1n;
  const isOptionalChain = (e: Node) => e.exprKind.case === "callExpr" && [OPT_SELECT, OPT_FIELD].includes(e.exprKind.value.function);
  const call = (e: Node, fn: string, operand: Node, field: string): void => {
    const constant = { $typeName: "cel.expr.Constant", constantKind: { case: "stringValue", value: field } };
    const name = { $typeName: "cel.expr.Expr", id: nextId++, exprKind: { case: "constExpr", value: constant } };
    e.exprKind = { case: "callExpr", value: { $typeName: "cel.expr.Expr.Call", function: fn, args: [operand, name] } };
  };
  const rewrite = (v: unknown): void => {
    if (typeof v !== "object" || v === null) return;
    for (const [k, child] of Object.entries(v)) if (k !== "$typeName") (Array.isArray(child) ? child : [child]).forEach(rewrite);
    if (!isNode(v) || v.exprKind.case !== "selectExpr" || v.exprKind.value.testOnly) return;
    const { operand, field } = v.exprKind.value as { operand: Node; field: string };
    if (field.startsWith(MARK)) call(v, OPT_SELECT, operand, field.slice(MARK.length));
    else if (isOptionalChain(operand)) call(v, OPT_FIELD, operand, field);
  };
  rewrite(parsed.expr);
  return parsed;
}

function maxId(v: unknown): bigint {
  if (typeof v !== "object" || v === null) return 0n;
  let max = isNode(v) ? BigInt(v.id) : 0n;
  for (const [k, child] of Object.entries(v)) {
    if (k === "$typeName") continue;
    for (const c of Array.isArray(child) ? child : [child]) {
      const m = maxId(c);
      if (m > max) max = m;
    }
  }
  return max;
}
