/**
 * CEL checks for `@rule` while reading, with @bufbuild/cel's parser: syntax,
 * and the variables a rule may use. Types, the result and the cost need the
 * whole schema and are checked with the model (check/cel-rules.ts).
 */
import { OLD_SELF, OPTIONAL_METHODS, parseRule, SELF } from "@skai-gen/runtime/validation/cel-environment";
import { closest } from "./suggest.js";

export interface CelProblem {
  message: string;
  hint?: string;
  /** 1-based line and column inside the expression. */
  line: number;
  column: number;
}

/**
 * Names a CRD validation rule may refer to: `self`, `oldSelf` (transition
 * rules) and CEL's type names and extension namespaces, which parse as identifiers.
 */
const KNOWN = new Set([
  SELF, OLD_SELF,
  "int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type", "dyn",
  "optional", "math", "strings", "sets", "lists", "ip", "format",
]);

/** CEL's optional indexing and literals (`m[?k]`, `[?x]`, `{?k: v}`), which kube has and the CEL parser here does not. */
const OPTIONAL_SYNTAX = /[[{,]\s*\?/;
const OPTIONAL_SYNTAX_HINT =
  "optional indexing and literals (m[?key], [?x], {?k: v}) are not supported here; write has(), or x.?field, optional.of(), orValue()";

/** cel-go's two-variable comprehensions (ext.TwoVarComprehensions, kube 1.32), which @bufbuild/cel 0.6 does not expand. */
const TWO_VARIABLE_COMPREHENSION = /\.(all|exists|existsOne|transformList|transformMap|transformMapEntry)\(\s*\w+\s*,\s*\w+\s*,/;
const TWO_VARIABLE_HINT =
  "two-variable comprehensions (all(k, v, ...), exists(i, v, ...), transformList, transformMap...) are not supported here yet; iterate over one variable, e.g. self.all(k, self[k] != k)";

/** The first problem of a rule, or undefined when it parses and uses only known variables. */
export function celProblem(expr: string): CelProblem | undefined {
  let parsed: ReturnType<typeof parseRule>;
  try {
    parsed = parseRule(expr);
  } catch (e) {
    const err = e as { message?: string; location?: { start?: { line: number; column: number } } };
    const start = err.location?.start;
    // The parser prefixes `<input>:l:c: `; our diagnostic carries its own position.
    const message = String(err.message ?? e).replace(/^<input>:\d+:\d+:\s*/, "");
    return { message, ...(OPTIONAL_SYNTAX.test(expr) ? { hint: OPTIONAL_SYNTAX_HINT } : {}), line: start?.line ?? 1, column: start?.column ?? 1 };
  }
  const bound = new Set<string>();
  const idents: { name: string; id: string }[] = [];
  walk(parsed.expr, bound, idents);
  const unknown = idents.find((i) => !KNOWN.has(i.name) && !bound.has(i.name));
  if (!unknown) return undefined;
  const offset = parsed.sourceInfo?.positions[unknown.id as unknown as number] ?? 0;
  const before = expr.slice(0, offset).split("\n");
  return {
    message: `unknown variable ${unknown.name}`,
    hint: unknownVariableHint(expr, unknown.name),
    line: before.length,
    column: before[before.length - 1].length + 1,
  };
}

function unknownVariableHint(expr: string, name: string): string {
  if (TWO_VARIABLE_COMPREHENSION.test(expr)) return TWO_VARIABLE_HINT;
  const near = closest(name, [SELF, OLD_SELF]);
  return near ? `did you mean ${near}?` : `a rule sees \`${SELF}\` (the value it is on) and, in transition rules, \`${OLD_SELF}\``;
}

/** Collects identifiers, and the variables that comprehension macros (all, exists, map...) bind. */
function walk(node: unknown, bound: Set<string>, idents: { name: string; id: string }[]): void {
  if (node === null || typeof node !== "object") return;
  const n = node as { exprKind?: { case?: string; value?: Record<string, unknown> }; id?: bigint | string };
  if (n.exprKind?.case === "identExpr") idents.push({ name: String(n.exprKind.value?.name), id: String(n.id) });
  if (n.exprKind?.case === "comprehensionExpr") {
    const v = n.exprKind.value ?? {};
    for (const k of ["iterVar", "iterVar2", "accuVar"]) if (typeof v[k] === "string" && v[k]) bound.add(v[k] as string);
  }
  for (const [k, child] of Object.entries(node)) {
    if (k === "$typeName") continue;
    if (Array.isArray(child)) child.forEach((c) => walk(c, bound, idents));
    else if (typeof child === "object") walk(child, bound, idents);
  }
}

/**
 * Whether a rule reads `oldSelf` as an optional (`oldSelf.hasValue()`,
 * `oldSelf.orValue(x)`...): such a rule is emitted with optionalOldSelf, as
 * it only compiles in kube with that set; it then runs on create too.
 */
export function usesOptionalOldSelf(expr: string): boolean {
  if (!/\boldSelf\b/.test(expr)) return false;
  let found = false;
  const visit = (node: unknown): void => {
    if (found || node === null || typeof node !== "object") return;
    const n = node as { exprKind?: { case?: string; value?: { function?: string; target?: { exprKind?: { case?: string; value?: { name?: string } } } } } };
    const call = n.exprKind?.case === "callExpr" ? n.exprKind.value : undefined;
    const target = call?.target?.exprKind;
    if (call && OPTIONAL_METHODS.has(call.function ?? "") && target?.case === "identExpr" && target.value?.name === OLD_SELF) found = true;
    for (const [k, child] of Object.entries(node)) if (k !== "$typeName") (Array.isArray(child) ? child : [child]).forEach(visit);
  };
  try {
    visit(parseRule(expr).expr);
  } catch {
    return false;
  }
  return found;
}
