/**
 * A type checker for CEL rules over @bufbuild/cel's parsed expressions
 * (@bufbuild/cel 0.6 has none), following cel-go's checker as kube-apiserver
 * configures it: the functions are the server's own environment
 * (@skai-gen/runtime/validation/cel-environment), with cel-go's generic
 * signatures where @bufbuild/cel declares `dyn`; list and map literals must
 * be homogeneous (cel.HomogeneousAggregateLiterals); int, uint and double
 * compare with each other (cel.CrossTypeNumericComparisons). Messages are
 * cel-go's. The result records each node's type and each call's overloads,
 * which cost estimation (cel-cost-estimate.ts) reads.
 */
import { celEnv, isCelError, run, type CelFunc } from "@bufbuild/cel";
import { RE2JS } from "@bufbuild/re2";
import { OLD_SELF, OPT_FIELD, OPT_SELECT, RULE_FUNCTIONS } from "@skai-gen/runtime/validation/cel-environment";
import { assignable, fromCelType, sameType, substitute, T, typeName, type Substitution, type Type } from "./cel-types.js";

/** The parsed expression nodes (cel.expr.Expr), as far as the checker reads them. */
export interface Expr {
  id: bigint;
  exprKind:
    | { case: "constExpr"; value: { constantKind: { case: string | undefined; value?: unknown } } }
    | { case: "identExpr"; value: { name: string } }
    | { case: "selectExpr"; value: { operand: Expr; field: string; testOnly: boolean } }
    | { case: "callExpr"; value: { function: string; target?: Expr; args: Expr[] } }
    | { case: "listExpr"; value: { elements: Expr[] } }
    | { case: "structExpr"; value: { messageName: string; entries: { keyKind: { case: string | undefined; value?: unknown }; value: Expr }[] } }
    | {
        case: "comprehensionExpr";
        value: { iterVar: string; iterVar2: string; iterRange: Expr; accuVar: string; accuInit: Expr; loopCondition: Expr; loopStep: Expr; result: Expr };
      }
    | { case: undefined; value?: undefined };
}

export interface Overload {
  /** cel-go's overload id where cost estimation tells overloads apart (`add_string`, `index_list`...), else the function name. */
  id: string;
  member: boolean;
  /** Parameter types, the receiver first for a member function. */
  params: Type[];
  result: Type;
}

export interface Checked {
  /** The expression's type. */
  type: Type;
  types: Map<bigint, Type>;
  /** The overloads a call may resolve to at run time (several when an argument is dyn). */
  overloads: Map<bigint, Overload[]>;
  /** The rule reads `oldSelf`: a transition rule. */
  usesOldSelf: boolean;
}

export class CelTypeError extends Error {
  constructor(
    message: string,
    /** The node the error is at (its offset is in the parse's sourceInfo). */
    readonly id: bigint,
  ) {
    super(message);
  }
}

const A = T.param("A");
const NAMED_FORMAT = "kubernetes.NamedFormat";
const B = T.param("B");

/** cel-go's declarations of the functions @bufbuild/cel evaluates without a CelFunc. */
const BUILTIN: [string, Type[], Type][] = [
  ["_&&_", [T.bool, T.bool], T.bool],
  ["_||_", [T.bool, T.bool], T.bool],
  ["@not_strictly_false", [T.bool], T.bool],
  ["_?_:_", [T.bool, A, A], A],
  ["_[_]", [T.list(A), T.int], A],
  ["_[_]", [T.map(A, B), A], B],
];

/**
 * cel-go's generic signatures for functions @bufbuild/cel declares over dyn;
 * an overload of the environment whose parameters contain dyn is replaced by
 * the generic ones of its name and form.
 */
const GENERIC: Record<string, { member: boolean; params: Type[]; result: Type }[]> = {
  "_==_": [{ member: false, params: [A, A], result: T.bool }],
  "_!=_": [{ member: false, params: [A, A], result: T.bool }],
  "@in": [
    { member: false, params: [A, T.list(A)], result: T.bool },
    { member: false, params: [A, T.map(A, B)], result: T.bool },
  ],
  "_+_": [{ member: false, params: [T.list(A), T.list(A)], result: T.list(A) }],
  size: [
    { member: false, params: [T.list(A)], result: T.int },
    { member: false, params: [T.map(A, B)], result: T.int },
    { member: true, params: [T.list(A)], result: T.int },
    { member: true, params: [T.map(A, B)], result: T.int },
  ],
  type: [{ member: false, params: [A], result: T.type(A) }],
  join: [
    { member: true, params: [T.list(T.string)], result: T.string },
    { member: true, params: [T.list(T.string), T.string], result: T.string },
  ],
  split: [
    { member: true, params: [T.string, T.string], result: T.list(T.string) },
    { member: true, params: [T.string, T.string, T.int], result: T.list(T.string) },
  ],
  isSorted: [{ member: true, params: [T.list(A)], result: T.bool }],
  sum: [{ member: true, params: [T.list(A)], result: A }],
  min: [{ member: true, params: [T.list(A)], result: A }],
  max: [{ member: true, params: [T.list(A)], result: A }],
  indexOf: [{ member: true, params: [T.list(A), A], result: T.int }],
  lastIndexOf: [{ member: true, params: [T.list(A), A], result: T.int }],
  // cel-go's optional library.
  "optional.of": [{ member: false, params: [A], result: T.optional(A) }],
  "optional.ofNonZeroValue": [{ member: false, params: [A], result: T.optional(A) }],
  "optional.none": [{ member: false, params: [], result: T.optional(A) }],
  hasValue: [{ member: true, params: [T.optional(A)], result: T.bool }],
  value: [{ member: true, params: [T.optional(A)], result: A }],
  orValue: [{ member: true, params: [T.optional(A), A], result: A }],
  or: [{ member: true, params: [T.optional(A), T.optional(A)], result: T.optional(A) }],
  // cel-go's sets extension.
  "sets.contains": [{ member: false, params: [T.list(A), T.list(A)], result: T.bool }],
  "sets.equivalent": [{ member: false, params: [T.list(A), T.list(A)], result: T.bool }],
  "sets.intersects": [{ member: false, params: [T.list(A), T.list(A)], result: T.bool }],
  // Kubernetes' format library.
  "format.named": [{ member: false, params: [T.string], result: T.optional(T.opaque(NAMED_FORMAT)) }],
  validate: [{ member: true, params: [T.opaque(NAMED_FORMAT), T.string], result: T.optional(T.list(T.string)) }],
};

function mentionsDyn(t: Type): boolean {
  if (t.kind === "dyn") return true;
  if (t.kind === "list" || t.kind === "optional") return mentionsDyn(t.elem);
  if (t.kind === "map") return mentionsDyn(t.key) || mentionsDyn(t.value);
  return false;
}

const COMPARISONS: Record<string, string> = { "_<_": "less", "_<=_": "less_equals", "_>_": "greater", "_>=_": "greater_equals" };

/** The overload ids cel-go's cost estimator distinguishes (common/overloads). */
function overloadId(fn: string, member: boolean, params: Type[]): string {
  const kinds = params.map((p) => p.kind);
  const both = (k: string) => kinds.length === 2 && kinds[0] === k && kinds[1] === k;
  switch (fn) {
    case "_[_]":
      return kinds[0] === "list" ? "index_list" : "index_map";
    case "_+_":
      return both("string") ? "add_string" : both("bytes") ? "add_bytes" : both("list") ? "add_list" : "add";
    case "_==_":
      return "equals";
    case "_!=_":
      return "not_equals";
    case "@in":
      return kinds[1] === "list" ? "in_list" : "in_map";
    case "_&&_":
      return "logical_and";
    case "_||_":
      return "logical_or";
    case "_?_:_":
      return "conditional";
    case "matches":
      return member ? "matches_string" : "matches";
    case "contains":
      return "contains_string";
    case "startsWith":
      return "starts_with_string";
    case "endsWith":
      return "ends_with_string";
    case "bytes":
      return kinds[0] === "string" ? "string_to_bytes" : fn;
    case "string":
      return kinds[0] === "bytes" ? "bytes_to_string" : fn;
    case "strings.quote":
      return "strings_quote";
    case "format":
      return "string_format";
    case "ip":
      return member ? "cidr_ip" : "string_to_ip";
    case "containsIP":
      return kinds[1] === "string" ? "cidr_contains_ip_string" : "cidr_contains_ip_ip";
    case "containsCIDR":
      return kinds[1] === "string" ? "cidr_contains_cidr_string" : "cidr_contains_cidr";
    case "sets.contains":
      return "list_sets_contains_list";
    case "sets.equivalent":
      return "list_sets_equivalent_list";
    case "sets.intersects":
      return "list_sets_intersects_list";
  }
  const cmp = COMPARISONS[fn];
  if (cmp && (both("string") || both("bytes"))) return `${cmp}_${kinds[0]}`;
  return fn;
}

/** Every function of the rules' environment, by name. */
function buildOverloads(funcs: Iterable<CelFunc>): Map<string, Overload[]> {
  const byName = new Map<string, Overload[]>();
  const add = (name: string, member: boolean, params: Type[], result: Type) => {
    const list = byName.get(name) ?? [];
    if (list.some((o) => o.member === member && o.params.length === params.length && o.params.every((p, i) => sameType(p, params[i]!)))) return;
    list.push({ id: overloadId(name, member, params), member, params, result });
    byName.set(name, list);
  };
  for (const f of funcs) {
    const member = f.target !== undefined;
    const params = [...(member ? [f.target!] : []), ...f.arguments].map(fromCelType);
    const generic = GENERIC[f.name]?.filter((g) => g.member === member && g.params.length === params.length);
    if (generic?.length && (params.some(mentionsDyn) || mentionsDyn(fromCelType(f.result)))) {
      for (const g of generic) add(f.name, g.member, g.params, g.result);
      continue;
    }
    add(f.name, member, params, fromCelType(f.result));
  }
  for (const [name, params, result] of BUILTIN) add(name, false, params, result);
  return byName;
}

let environment: Map<string, Overload[]> | undefined;

/** The overloads of the server's rule environment (built once). */
function ruleOverloads(): Map<string, Overload[]> {
  return (environment ??= buildOverloads(celEnv({ funcs: [...RULE_FUNCTIONS] }).funcs));
}

/** Type names usable as values (`type(x) == int`). */
const TYPE_NAMES = new Map<string, Type>([
  ["int", T.int], ["uint", T.uint], ["double", T.double], ["bool", T.bool], ["string", T.string],
  ["bytes", T.bytes], ["null_type", T.null], ["dyn", T.dyn], ["list", T.list(T.dyn)], ["map", T.map(T.dyn, T.dyn)],
  ["type", T.type(T.dyn)], ["google.protobuf.Timestamp", T.timestamp], ["google.protobuf.Duration", T.duration],
]);

const CONSTANT_TYPES: Record<string, Type> = {
  boolValue: T.bool, int64Value: T.int, uint64Value: T.uint, doubleValue: T.double,
  stringValue: T.string, bytesValue: T.bytes, nullValue: T.null,
};

/** Checks `expr` with the given variables; throws CelTypeError at the first mistake. */
export function checkExpression(expr: Expr, variables: ReadonlyMap<string, Type>, overloads = ruleOverloads()): Checked {
  const checker = new Checker(variables, overloads);
  const type = checker.check(expr);
  return { type, types: checker.types, overloads: checker.resolved, usesOldSelf: checker.usedVariables.has(OLD_SELF) };
}

class Checker {
  readonly types = new Map<bigint, Type>();
  readonly resolved = new Map<bigint, Overload[]>();
  private scopes: Map<string, Type>[] = [];
  private formatDepth = 0;
  readonly usedVariables = new Set<string>();

  constructor(
    private readonly variables: ReadonlyMap<string, Type>,
    private readonly overloads: Map<string, Overload[]>,
  ) {}

  check(e: Expr): Type {
    const t = this.infer(e);
    this.types.set(e.id, t);
    return t;
  }

  private infer(e: Expr): Type {
    const k = e.exprKind;
    switch (k.case) {
      case "constExpr":
        return CONSTANT_TYPES[k.value.constantKind.case ?? ""] ?? T.dyn;
      case "identExpr":
        return this.ident(k.value.name, e.id);
      case "selectExpr":
        return this.select(e, k.value);
      case "callExpr":
        return this.call(e, k.value);
      case "listExpr":
        return T.list(this.homogeneous(k.value.elements));
      case "structExpr": {
        if (k.value.messageName) throw new CelTypeError(`undeclared reference to '${k.value.messageName}' (in container '')`, e.id);
        const keys = k.value.entries.map((x) => x.keyKind.value as Expr);
        const key = this.homogeneous(keys);
        return T.map(key, this.homogeneous(k.value.entries.map((x) => x.value)));
      }
      case "comprehensionExpr":
        return this.comprehension(e, k.value);
      default:
        return T.dyn;
    }
  }

  private ident(name: string, id: bigint): Type {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const t = this.scopes[i]!.get(name);
      if (t) return t;
    }
    const v = this.variables.get(name);
    if (v) {
      this.usedVariables.add(name);
      return v;
    }
    const typeValue = TYPE_NAMES.get(name);
    if (typeValue) return T.type(typeValue);
    throw new CelTypeError(`undeclared reference to '${name}' (in container '')`, id);
  }

  private select(e: Expr, s: { operand: Expr; field: string; testOnly: boolean }): Type {
    const qualified = qualifiedName(e);
    if (qualified && TYPE_NAMES.has(qualified) && !this.isVariable(qualified.split(".")[0]!)) return T.type(TYPE_NAMES.get(qualified)!);
    const field = fieldType(this.check(s.operand), s.field, e.id);
    return s.testOnly ? T.bool : field;
  }

  /** `x.?f` (@optSelect) and, after it in a chain, `.f` on the optional (@optField): optional(type of f), as cel-go types them. */
  private optionalSelect(e: Expr, c: { function: string; args: Expr[] }): Type {
    const operand = this.check(c.args[0]!);
    const name = c.args[1]!.exprKind;
    const field = name.case === "constExpr" ? String(name.value.constantKind.value) : "";
    this.check(c.args[1]!);
    const result = T.optional(fieldType(operand.kind === "optional" ? operand.elem : operand, field, e.id));
    // cel-go's `_?._` call: cost estimation charges it as any call (1 and its operand), its result's size unknown.
    this.resolved.set(e.id, [{ id: "select_optional_field", member: false, params: [operand, T.string], result }]);
    return result;
  }

  private isVariable(name: string): boolean {
    return this.variables.has(name) || this.scopes.some((s) => s.has(name));
  }

  private call(e: Expr, c: { function: string; target?: Expr; args: Expr[] }): Type {
    if (c.function === OPT_SELECT || c.function === OPT_FIELD) return this.optionalSelect(e, c);
    let name = c.function;
    let target = c.target;
    // `strings.quote(x)`: a namespaced function, unless `strings` is a variable.
    const qualified = target && qualifiedName(target);
    if (qualified && this.overloads.has(`${qualified}.${name}`) && !this.isVariable(qualified.split(".")[0]!)) {
      name = `${qualified}.${name}`;
      target = undefined;
    }
    const candidates = this.overloads.get(name);
    const member = target !== undefined;
    // Literals inside a string format call may mix types (cel-go exempts them).
    const exempt = name === "format";
    if (exempt) this.formatDepth++;
    const argTypes = [...(target ? [this.check(target)] : []), ...c.args.map((a) => this.check(a))];
    if (exempt) this.formatDepth--;
    if (!candidates) throw new CelTypeError(`undeclared reference to '${name}' (in container '')`, e.id);
    const matched: Overload[] = [];
    const results: Type[] = [];
    for (const o of candidates) {
      if (o.member !== member || o.params.length !== argTypes.length) continue;
      const subst: Substitution = new Map();
      if (!o.params.every((p, i) => assignable(p, argTypes[i]!, subst))) continue;
      matched.push({ ...o, params: o.params.map((p) => substitute(p, subst)) });
      results.push(substitute(o.result, subst));
    }
    if (matched.length === 0) {
      const shown = argTypes.map(typeName);
      const signature = member ? `${shown[0]}.(${shown.slice(1).join(", ")})` : `(${shown.join(", ")})`;
      throw new CelTypeError(`found no matching overload for '${name}' applied to '${signature}'`, e.id);
    }
    this.resolved.set(e.id, matched);
    validateLiteralArgument(name, c.args[0]);
    return results.every((r) => sameType(r, results[0]!)) ? results[0]! : T.dyn;
  }

  /**
   * A literal's element type. Kube requires one type for all the elements
   * (cel.ValidateHomogeneousAggregateLiterals, which compares the checked
   * types exactly: dyn and int differ); an empty literal holds dyn.
   */
  private homogeneous(elements: Expr[]): Type {
    let first: Type | undefined;
    let mixed = false;
    for (const x of elements) {
      const t = this.check(x);
      if (!first) first = t;
      else if (!sameType(first, t)) {
        if (this.formatDepth === 0) throw new CelTypeError(`expected type '${typeName(first)}' but found '${typeName(t)}'`, x.id);
        mixed = true;
      }
    }
    return !first || mixed ? T.dyn : first;
  }

  private comprehension(e: Expr, c: Extract<Expr["exprKind"], { case: "comprehensionExpr" }>["value"]): Type {
    const range = this.check(c.iterRange);
    let iter: Type;
    let iter2: Type | undefined;
    switch (range.kind) {
      case "list":
        [iter, iter2] = c.iterVar2 ? [T.int, range.elem] : [range.elem, undefined];
        break;
      case "map":
        [iter, iter2] = [range.key, c.iterVar2 ? range.value : undefined];
        break;
      case "dyn":
      case "error":
        [iter, iter2] = [T.dyn, c.iterVar2 ? T.dyn : undefined];
        break;
      default:
        throw new CelTypeError(`expression of type '${typeName(range)}' cannot be range of a comprehension (must be list, map, or dynamic)`, c.iterRange.id);
    }
    let accu = this.check(c.accuInit);
    const body = () => {
      const vars = new Map([[c.iterVar, iter]]);
      if (c.iterVar2) vars.set(c.iterVar2, iter2 ?? T.dyn);
      this.scopes.push(new Map([[c.accuVar, accu]]), vars);
      this.check(c.loopCondition);
      const step = this.check(c.loopStep);
      this.scopes.pop();
      return step;
    };
    // map() and filter() start from `[]`: the steps say what the list holds.
    const step = body();
    if (isEmptyList(c.accuInit) && step.kind === "list" && step.elem.kind !== "dyn") {
      accu = step;
      body();
    }
    this.scopes.push(new Map([[c.accuVar, accu]]));
    const result = this.check(c.result);
    this.scopes.pop();
    return result;
  }
}

/**
 * kube's AST validators for literal arguments (cel.ValidateRegexLiterals,
 * ValidateDurationLiterals, ValidateTimestampLiterals): a constant first
 * argument of matches(), duration() or timestamp() must be valid. As in
 * cel-go, the first argument: the pattern of `s.matches(p)`, the string of `matches(s, p)`.
 */
function validateLiteralArgument(fn: string, arg: Expr | undefined): void {
  if (!arg || arg.exprKind.case !== "constExpr") return;
  const c = arg.exprKind.value.constantKind;
  if (c.case !== "stringValue" && c.case !== "int64Value") return;
  let valid = true;
  if (fn === "matches" && c.case === "stringValue") {
    try {
      RE2JS.compile(c.value as string);
    } catch {
      valid = false;
    }
  } else if (fn === "duration" || fn === "timestamp") {
    valid = !isCelError(run(`${fn}(${c.case === "stringValue" ? JSON.stringify(c.value) : String(c.value)})`, {}));
  } else {
    return;
  }
  if (!valid) throw new CelTypeError(`invalid ${fn} argument`, arg.id);
}

/** The type of field `name` of a value of type `operand`: an object's declared field, a map's value. */
function fieldType(operand: Type, name: string, id: bigint): Type {
  switch (operand.kind) {
    case "object": {
      const f = operand.fields.get(name);
      if (!f) throw new CelTypeError(`undefined field '${name}'`, id);
      return f;
    }
    case "map":
      return operand.value;
    case "dyn":
    case "error":
    case "param":
      return T.dyn;
    default:
      throw new CelTypeError(`type '${typeName(operand)}' does not support field selection`, id);
  }
}

function isEmptyList(e: Expr): boolean {
  return e.exprKind.case === "listExpr" && e.exprKind.value.elements.length === 0;
}

/** `a.b.c` as a dotted name, when the expression is only identifiers and selects. */
function qualifiedName(e: Expr): string | undefined {
  const k = e.exprKind;
  if (k.case === "identExpr") return k.value.name;
  if (k.case === "selectExpr" && !k.value.testOnly) {
    const parent = qualifiedName(k.value.operand);
    return parent === undefined ? undefined : `${parent}.${k.value.field}`;
  }
  return undefined;
}
