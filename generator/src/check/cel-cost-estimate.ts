/**
 * Static cost estimation of a checked rule, as kube-apiserver does when a
 * CRD is installed: cel-go's checker/cost.go (the worst-case cost of each
 * node, sizes taken from literals or, for data, from the schema's maxItems,
 * maxProperties and maxLength through the rule's DeclType) with Kubernetes'
 * library estimator (k8s.io/apiserver/pkg/cel/library/cost.go,
 * EstimateCallCost) and `has()` free (PresenceTestHasCost(false)). Sizes are
 * uint64 in Go; here doubles that saturate at 2^64, exact below 2^53, which
 * is far beyond every limit compared against.
 */
import {
  LIST_CREATE_BASE_COST,
  MAP_CREATE_BASE_COST,
  REGEX_STRING_LENGTH_COST_FACTOR,
  STRING_TRAVERSAL_COST_FACTOR,
  STRUCT_CREATE_BASE_COST,
} from "@skai-gen/runtime/validation/cel-cost";
import type { Checked, Expr, Overload } from "./cel-checker.js";
import type { DeclType } from "./cel-decl.js";
import type { Type } from "./cel-types.js";

/** math.MaxUint64 as a float64. */
const MAX_UINT64 = 2 ** 64;
const SELECT_AND_IDENT_COST = 1;
const CONST_COST = 0;
/** cel-go's accumulator variables (parser.AccumulatorName, HiddenAccumulatorName). */
const ACCUMULATORS = new Set(["@result", "@__result__"]);
/** What Kubernetes' estimator assumes an IP address's size is (library/cost.go containsIP). */
const IP_SIZE: Range = { min: 4, max: 16 };
/** apiserver/pkg/cel/limits.go MaxNameFormatRegexSize and MaxFormatSize. */
const MAX_NAME_FORMAT_REGEX_SIZE = 128;
const MAX_FORMAT_SIZE = 64;
/** cel-go's ext/sets.go cost factors, by overload. */
const SETS_COST_FACTORS: Record<string, number> = { list_sets_contains_list: 1, list_sets_intersects_list: 1, list_sets_equivalent_list: 2 };

interface Range {
  min: number;
  max: number;
}

const fixed = (n: number): Range => ({ min: n, max: n });
const UNKNOWN: Range = { min: 0, max: MAX_UINT64 };
const add = (a: Range, b: Range): Range => ({ min: Math.min(MAX_UINT64, a.min + b.min), max: Math.min(MAX_UINT64, a.max + b.max) });
const multiply = (a: Range, b: Range): Range => ({ min: Math.min(MAX_UINT64, a.min * b.min), max: Math.min(MAX_UINT64, a.max * b.max) });
const union = (a: Range, b: Range): Range => ({ min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) });
const byFactor = (a: Range, f: number): Range => ({ min: Math.min(MAX_UINT64, Math.ceil(a.min * f)), max: Math.min(MAX_UINT64, Math.ceil(a.max * f)) });

interface EntrySize {
  container: "list" | "map";
  key: Range;
  val: Range;
}

function unionEntries(a: EntrySize | undefined, b: EntrySize | undefined): EntrySize | undefined {
  if (!a || !b) return undefined;
  return { container: a.container, key: union(a.key, b.key), val: union(a.val, b.val) };
}

/** cel-go's AstNode: what an estimator may know about an argument. */
interface AstNode {
  path: string[] | undefined;
  type: Type;
  expr?: Expr;
  computedSize: Range | undefined;
}

interface LocalVar {
  path: string[];
  size?: Range;
  entrySize?: EntrySize;
}

/** The worst-case cost of a checked rule whose variables (`self`, `oldSelf`) have type `root`. */
export function estimateCost(expr: Expr, checked: Checked, root: DeclType): number {
  return new Coster(checked, root).cost(expr).max;
}

class Coster {
  private readonly paths = new Map<bigint, string[]>();
  private readonly locals = new Map<string, LocalVar[]>();
  private readonly sizes = new Map<bigint, Range>();
  private readonly entrySizes = new Map<bigint, EntrySize>();
  /** Kubernetes sets PresenceTestHasCost(false). */
  private readonly presenceTestCost = fixed(0);

  constructor(
    private readonly checked: Checked,
    private readonly root: DeclType,
  ) {}

  cost(e: Expr): Range {
    const k = e.exprKind;
    switch (k.case) {
      case "constExpr":
        return fixed(CONST_COST);
      case "identExpr": {
        const local = this.peek(k.value.name);
        this.paths.set(e.id, local ? local.path : [k.value.name]);
        return fixed(SELECT_AND_IDENT_COST);
      }
      case "selectExpr":
        return this.costSelect(e, k.value);
      case "callExpr":
        return this.costCall(e, k.value);
      case "listExpr": {
        let sum = fixed(0);
        let item: Range = { min: k.value.elements.length === 0 ? 0 : MAX_UINT64, max: 0 };
        for (const x of k.value.elements) {
          sum = add(sum, this.cost(x));
          item = union(item, this.sizeOrUnknown(x));
        }
        this.entrySizes.set(e.id, { container: "list", key: fixed(1), val: item });
        return add(sum, fixed(LIST_CREATE_BASE_COST));
      }
      case "structExpr": {
        let sum = fixed(0);
        if (k.value.messageName) {
          for (const x of k.value.entries) sum = add(sum, this.cost(x.value));
          return add(sum, fixed(STRUCT_CREATE_BASE_COST));
        }
        const empty = k.value.entries.length === 0;
        let key: Range = { min: empty ? 0 : MAX_UINT64, max: 0 };
        let val: Range = { min: empty ? 0 : MAX_UINT64, max: 0 };
        for (const x of k.value.entries) {
          const keyExpr = x.keyKind.value as Expr;
          sum = add(add(sum, this.cost(keyExpr)), this.cost(x.value));
          key = union(key, this.sizeOrUnknown(keyExpr));
          val = union(val, this.sizeOrUnknown(x.value));
        }
        this.entrySizes.set(e.id, { container: "map", key, val });
        return add(sum, fixed(MAP_CREATE_BASE_COST));
      }
      case "comprehensionExpr":
        return this.isBind(k.value) ? this.costBind(e, k.value) : this.costComprehension(e, k.value);
      default:
        return fixed(0);
    }
  }

  private costSelect(e: Expr, s: { operand: Expr; field: string; testOnly: boolean }): Range {
    if (s.testOnly) return add(this.presenceTestCost, this.cost(s.operand));
    let sum = this.cost(s.operand);
    const kind = this.type(s.operand).kind;
    if (kind === "map" || kind === "object" || kind === "param") sum = add(sum, fixed(SELECT_AND_IDENT_COST));
    this.paths.set(e.id, [...this.path(s.operand), s.field]);
    return sum;
  }

  private costCall(e: Expr, c: { function: string; target?: Expr; args: Expr[] }): Range {
    if (c.function === "dyn" && !c.target && c.args.length === 1) {
      const argCost = this.cost(c.args[0]!);
      this.copySizes(e, c.args[0]!);
      return add(fixed(1), argCost);
    }
    const argCosts = c.args.map((a) => this.cost(a));
    const args = c.args.map((a) => this.node(a));
    const overloads = this.checked.overloads.get(e.id) ?? [];
    if (overloads.length === 0) return fixed(0);
    let sum = fixed(0);
    let target: AstNode | undefined;
    // A namespaced function (`strings.quote(x)`) is a global call; its "target" is its name.
    if (c.target && overloads[0]!.member) {
      sum = add(sum, this.cost(c.target));
      target = this.node(c.target);
    }
    let fnCost: Range = { min: MAX_UINT64, max: 0 };
    let resultSize: Range | undefined;
    // A namespaced function (`ip.isCanonical`) is known to the estimators by its full name, which is its overload's id here.
    const name = c.target && !overloads[0]!.member ? overloads[0]!.id : c.function;
    for (const o of overloads) {
      const est = this.functionCost(e, name, o, target, args, argCosts);
      fnCost = union(fnCost, est.cost);
      if (est.resultSize) resultSize = resultSize ? union(resultSize, est.resultSize) : est.resultSize;
      if (o.id === "index_list" || o.id === "index_map") {
        resultSize = this.entrySize(c.args[0]!)?.val;
        this.paths.set(e.id, [...this.path(c.args[0]!), o.id === "index_list" ? "@items" : "@values"]);
      }
      resultSize ??= this.computeSize(e);
    }
    if (resultSize) this.sizes.set(e.id, resultSize);
    return add(sum, fnCost);
  }

  private functionCost(e: Expr, fn: string | undefined, o: Overload, target: AstNode | undefined, args: AstNode[], argCosts: Range[]): { cost: Range; resultSize?: Range } {
    const argSum = () => argCosts.reduce(add, fixed(0));
    const sets = SETS_COST_FACTORS[o.id];
    if (sets !== undefined && args.length === 2) {
      // cel-go's ext/sets.go estimateSetsCost, asked before Kubernetes' estimator.
      const cost = add(byFactor(multiply(this.sizeEstimate(args[0]!), this.sizeEstimate(args[1]!)), sets), fixed(1));
      return { cost: add(cost, argSum()) };
    }
    const kube = fn === undefined ? undefined : this.kubernetesCallCost(fn, o, target, args);
    if (kube) return { cost: add(kube.cost, argSum()), resultSize: kube.resultSize };
    switch (o.id) {
      case "string_format":
        if (target) return { cost: add(byFactor(this.sizeOrUnknown(target), STRING_TRAVERSAL_COST_FACTOR), argSum()) };
        break;
      case "string_to_bytes":
        if (args.length === 1) {
          const sz = this.sizeOrUnknown(args[0]!);
          return { cost: add(byFactor(sz, STRING_TRAVERSAL_COST_FACTOR), argSum()), resultSize: { min: sz.min, max: Math.min(MAX_UINT64, sz.max * 4) } };
        }
        break;
      case "bytes_to_string":
        if (args.length === 1) {
          const sz = this.sizeOrUnknown(args[0]!);
          return { cost: add(byFactor(sz, STRING_TRAVERSAL_COST_FACTOR), argSum()), resultSize: { min: Math.floor(sz.min / 4), max: sz.max } };
        }
        break;
      case "strings_quote":
        if (args.length === 1) {
          const sz = this.sizeOrUnknown(args[0]!);
          return { cost: add(byFactor(sz, STRING_TRAVERSAL_COST_FACTOR), argSum()), resultSize: { min: sz.min + 2, max: Math.min(MAX_UINT64, sz.max * 2 + 2) } };
        }
        break;
      case "starts_with_string":
      case "ends_with_string":
        if (args.length === 1) return { cost: add(byFactor(this.sizeOrUnknown(args[0]!), STRING_TRAVERSAL_COST_FACTOR), argSum()) };
        break;
      case "in_list":
        if (args.length === 2) return { cost: add(byFactor(this.sizeOrUnknown(args[1]!), 1), argSum()) };
        break;
      case "matches_string":
        if (target && args.length === 1) {
          const strCost = byFactor(add(this.sizeOrUnknown(target), fixed(1)), STRING_TRAVERSAL_COST_FACTOR);
          const regexCost = byFactor(this.sizeOrUnknown(args[0]!), REGEX_STRING_LENGTH_COST_FACTOR);
          return { cost: add(multiply(strCost, regexCost), argSum()) };
        }
        break;
      case "contains_string":
        if (target && args.length === 1) {
          const strCost = byFactor(this.sizeOrUnknown(target), STRING_TRAVERSAL_COST_FACTOR);
          const substrCost = byFactor(this.sizeOrUnknown(args[0]!), STRING_TRAVERSAL_COST_FACTOR);
          return { cost: add(multiply(strCost, substrCost), argSum()) };
        }
        break;
      case "logical_or":
      case "logical_and": {
        const [lhs, rhs] = argCosts as [Range, Range];
        return { cost: { min: lhs.min, max: add(lhs, rhs).max } };
      }
      case "conditional": {
        const size = union(this.sizeOrUnknown(args[1]!), this.sizeOrUnknown(args[2]!));
        const entries = unionEntries(this.entrySize(args[1]!.expr!), this.entrySize(args[2]!.expr!));
        if (entries) this.entrySizes.set(e.id, entries);
        return { cost: add(argCosts[0]!, union(argCosts[1]!, argCosts[2]!)), resultSize: size };
      }
      case "add_string":
      case "add_bytes":
      case "add_list":
        if (args.length === 2) {
          const resultSize = add(this.sizeOrUnknown(args[0]!), this.sizeOrUnknown(args[1]!));
          const entries = unionEntries(this.entrySize(args[0]!.expr!), this.entrySize(args[1]!.expr!));
          if (entries) this.entrySizes.set(e.id, entries);
          if (o.id === "add_list") return { cost: add(fixed(1), argSum()), resultSize };
          return { cost: add(byFactor(resultSize, STRING_TRAVERSAL_COST_FACTOR), argSum()), resultSize };
        }
        break;
      case "less_string":
      case "greater_string":
      case "less_equals_string":
      case "greater_equals_string":
      case "less_bytes":
      case "greater_bytes":
      case "less_equals_bytes":
      case "greater_equals_bytes":
      case "equals":
      case "not_equals": {
        const smallestMax = Math.min(this.sizeOrUnknown(args[0]!).max, this.sizeOrUnknown(args[1]!).max);
        return { cost: add(byFactor({ min: smallestMax > 0 ? 1 : 0, max: smallestMax }, STRING_TRAVERSAL_COST_FACTOR), argSum()) };
      }
    }
    return { cost: add(fixed(1), argSum()) };
  }

  /** Kubernetes' CostEstimator.EstimateCallCost, for the library functions the server has. */
  private kubernetesCallCost(fn: string, o: Overload, target: AstNode | undefined, args: AstNode[]): { cost: Range; resultSize?: Range } | undefined {
    // cel-go always passes Kubernetes' estimator a target (empty for a global call): its `target != nil` tests hold for those too.
    switch (fn) {
      case "quantity":
      case "isQuantity":
      case "cidr":
      case "isIP":
      case "isCIDR":
        return args.length >= 1 ? { cost: byFactor(this.sizeEstimate(args[0]!), STRING_TRAVERSAL_COST_FACTOR) } : undefined;
      case "ip":
        if (args.length >= 1) return { cost: byFactor(this.sizeEstimate(args[0]!), STRING_TRAVERSAL_COST_FACTOR) };
        return { cost: fixed(1) };
      case "ip.isCanonical":
        return args.length >= 1 ? { cost: byFactor(this.sizeEstimate(args[0]!), 2 * STRING_TRAVERSAL_COST_FACTOR) } : undefined;
      case "url":
        if (args.length === 1) {
          const sz = this.sizeEstimate(args[0]!);
          return { cost: byFactor(sz, STRING_TRAVERSAL_COST_FACTOR), resultSize: sz };
        }
        return undefined;
      case "containsIP":
      case "containsCIDR":
        if (args.length >= 1) {
          let cost = byFactor(add(IP_SIZE, IP_SIZE), STRING_TRAVERSAL_COST_FACTOR);
          if (fn === "containsCIDR") cost = add(add(cost, byFactor(IP_SIZE, STRING_TRAVERSAL_COST_FACTOR)), fixed(1));
          if (o.id.endsWith("_string")) cost = add(cost, byFactor(this.sizeEstimate(args[0]!), STRING_TRAVERSAL_COST_FACTOR));
          return { cost };
        }
        return undefined;
      case "validate":
        return args.length >= 1
          ? { cost: byFactor(byFactor(this.sizeEstimate(args[0]!), STRING_TRAVERSAL_COST_FACTOR), MAX_NAME_FORMAT_REGEX_SIZE * REGEX_STRING_LENGTH_COST_FACTOR) }
          : undefined;
      case "_==_":
        return args.length === 2 ? this.opaqueEqualityCost(args[0]!, args[1]!) : undefined;
      case "isSorted":
      case "sum":
      case "max":
      case "min":
      case "indexOf":
      case "lastIndexOf": {
        if (!target) return undefined;
        let elCost = fixed(1);
        const el = this.listElementNode(target);
        if (el) {
          if (el.type.kind === "string" || el.type.kind === "bytes") elCost = add(elCost, byFactor(this.sizeEstimate(el), STRING_TRAVERSAL_COST_FACTOR));
          return { cost: multiply(this.sizeEstimate(target), elCost) };
        }
        return { cost: byFactor(this.sizeEstimate(target), STRING_TRAVERSAL_COST_FACTOR) };
      }
      case "lowerAscii":
      case "upperAscii":
      case "substring":
      case "trim":
        if (target) {
          const sz = this.sizeEstimate(target);
          return { cost: byFactor(sz, STRING_TRAVERSAL_COST_FACTOR), resultSize: sz };
        }
        return undefined;
      case "replace":
        if (target && args.length >= 2) return this.replaceCost(target, args);
        return undefined;
      case "split":
        if (target) {
          const sz = this.sizeEstimate(target);
          let max = sz.max;
          const limit = args[1]?.expr?.exprKind;
          if (limit?.case === "constExpr" && limit.value.constantKind.case === "int64Value") max = Number(limit.value.constantKind.value as bigint);
          return { cost: byFactor(sz, 2 * STRING_TRAVERSAL_COST_FACTOR), resultSize: { min: 0, max } };
        }
        return undefined;
      case "join":
        if (target) {
          let sz = fixed(0);
          const listSize = this.sizeEstimate(target);
          const el = this.listElementNode(target);
          if (el) sz = multiply(listSize, this.sizeEstimate(el));
          if (args.length > 0) {
            const separators = { min: listSize.min > 0 ? listSize.min - 1 : 0, max: listSize.max > 0 ? listSize.max - 1 : 0 };
            sz = add(sz, multiply(this.sizeEstimate(args[0]!), separators));
          }
          return { cost: byFactor(sz, STRING_TRAVERSAL_COST_FACTOR), resultSize: sz };
        }
        return undefined;
      case "find":
      case "findAll":
        if (target && args.length >= 1) {
          const sz = this.sizeEstimate(target);
          const strCost = byFactor(add(sz, fixed(1)), STRING_TRAVERSAL_COST_FACTOR);
          const regexCost = byFactor(this.sizeEstimate(args[0]!), REGEX_STRING_LENGTH_COST_FACTOR);
          return { cost: multiply(strCost, regexCost), resultSize: { min: 0, max: sz.max } };
        }
        return undefined;
    }
    return undefined;
  }

  /** Equality of two values of one of Kubernetes' types (quantity, IP, CIDR: 1; a format by its name; a URL by its text). */
  private opaqueEqualityCost(lhs: AstNode, rhs: AstNode): { cost: Range } | undefined {
    const [l, r] = [lhs.type, rhs.type];
    if (l.kind !== "object" || r.kind !== "object" || l.name !== r.name) return undefined;
    switch (l.name) {
      case "kubernetes.Quantity":
      case "net.IP":
      case "net.CIDR":
        return { cost: fixed(1) };
      case "kubernetes.NamedFormat":
        return { cost: byFactor({ min: 1, max: MAX_FORMAT_SIZE }, STRING_TRAVERSAL_COST_FACTOR) };
      case "kubernetes.URL": {
        // Upstream sizes both sides by the right-hand one.
        const size = rhs.computedSize ?? fixed(1);
        return { cost: byFactor({ min: 1, max: size.max }, STRING_TRAVERSAL_COST_FACTOR) };
      }
    }
    return undefined;
  }

  private replaceCost(target: AstNode, args: AstNode[]): { cost: Range; resultSize: Range } {
    const sz = this.sizeEstimate(target);
    const toReplace = this.sizeEstimate(args[0]!);
    const replaceWith = this.sizeEstimate(args[1]!);
    const count = { min: 0, max: 0 };
    const retained = { min: 0, max: 0 };
    if (toReplace.min === 0) {
      count.max = sz.max < MAX_UINT64 ? sz.max + 1 : sz.max;
      retained.max = sz.max;
    } else if (replaceWith.max <= toReplace.min) {
      retained.max = sz.max;
    } else {
      count.max = Math.ceil(sz.max / toReplace.min);
    }
    if (toReplace.max === 0) {
      count.min = sz.min < MAX_UINT64 ? sz.min + 1 : sz.min;
      retained.min = sz.min;
    } else if (toReplace.max <= replaceWith.min) {
      retained.min = sz.min;
    } else {
      count.min = Math.ceil(sz.min / toReplace.max);
    }
    return { cost: byFactor(sz, 2 * STRING_TRAVERSAL_COST_FACTOR), resultSize: add(multiply(count, replaceWith), retained) };
  }

  private listElementNode(list: AstNode): AstNode | undefined {
    const t = list.type;
    const param = t.kind === "list" ? t.elem : t.kind === "map" ? t.key : undefined;
    if (!param) return undefined;
    return { path: list.path ? [...list.path, "@items"] : undefined, type: param, computedSize: undefined };
  }

  private sizeEstimate(n: AstNode): Range {
    return n.computedSize ?? this.estimateSize(n.path) ?? UNKNOWN;
  }

  /** apiextensions' sizeEstimator: the schema's bound along the node's path from `self`. */
  private estimateSize(path: string[] | undefined): Range | undefined {
    if (!path || path.length === 0) return undefined;
    let node: DeclType | undefined = this.root;
    for (const name of path.slice(1)) {
      if (name === "@items" || name === "@values") node = node.elem;
      else if (name === "@keys") node = node.key;
      else node = node.fields?.get(name);
      if (!node) return undefined;
    }
    return { min: 0, max: node.maxElements };
  }

  private costComprehension(e: Expr, c: Extract<Expr["exprKind"], { case: "comprehensionExpr" }>["value"]): Range {
    let sum = add(this.cost(c.iterRange), this.cost(c.accuInit));
    this.pushLocal(c.accuVar, c.accuInit);
    const entries = this.entrySize(c.iterRange);
    const container = entries?.container ?? (this.type(c.iterRange).kind === "list" ? "list" : "map");
    const rangePath = this.path(c.iterRange);
    if (c.iterVar2) {
      this.push(c.iterVar, { path: [...rangePath, container === "list" ? "@indices" : "@keys"], size: entries?.key });
      this.push(c.iterVar2, { path: [...rangePath, container === "list" ? "@items" : "@values"], size: entries?.val });
    } else {
      this.push(c.iterVar, { path: [...rangePath, container === "list" ? "@items" : "@keys"], size: container === "list" ? entries?.val : entries?.key });
    }
    const loopCost = this.cost(c.loopCondition);
    const stepCost = this.cost(c.loopStep);
    this.pop(c.iterVar);
    if (c.iterVar2) this.pop(c.iterVar2);
    sum = add(sum, this.cost(c.result));
    this.pop(c.accuVar);
    const rangeCount = this.sizeOrUnknown(c.iterRange);
    sum = add(sum, multiply(rangeCount, add(stepCost, loopCost)));
    const initKind = c.accuInit.exprKind.case;
    if (initKind === "constExpr") {
      const size = this.computeSize(c.accuInit);
      if (size) this.sizes.set(e.id, size);
    } else if (initKind === "listExpr" || initKind === "structExpr") {
      this.sizes.set(e.id, rangeCount);
      const stepEntries = this.entrySize(c.loopStep);
      if (stepEntries) this.entrySizes.set(e.id, stepEntries);
    }
    return sum;
  }

  private isBind(c: Extract<Expr["exprKind"], { case: "comprehensionExpr" }>["value"]): boolean {
    const r = c.iterRange.exprKind;
    const cond = c.loopCondition.exprKind;
    return (
      r.case === "listExpr" && r.value.elements.length === 0 &&
      cond.case === "constExpr" && cond.value.constantKind.case === "boolValue" && cond.value.constantKind.value === false &&
      c.accuVar !== "@result"
    );
  }

  private costBind(e: Expr, c: Extract<Expr["exprKind"], { case: "comprehensionExpr" }>["value"]): Range {
    let sum = add(this.cost(c.iterRange), this.cost(c.accuInit));
    this.pushLocal(c.accuVar, c.accuInit);
    sum = add(sum, this.cost(c.result));
    this.pop(c.accuVar);
    this.copySizes(e, c.result);
    return sum;
  }

  // ---- sizes, paths and local variables ------------------------------------

  private type(e: Expr): Type {
    return this.checked.types.get(e.id) ?? { kind: "dyn" };
  }

  private path(e: Expr): string[] {
    if (e.exprKind.case === "identExpr") {
      const local = this.peek(e.exprKind.value.name);
      if (local) return local.path;
    }
    return this.paths.get(e.id) ?? [];
  }

  private node(e: Expr): AstNode {
    let path: string[] | undefined = this.path(e);
    if (path.length > 0 && ACCUMULATORS.has(path[0]!)) path = undefined;
    return { path, type: this.type(e), expr: e, computedSize: this.computeSize(e) };
  }

  private sizeOrUnknown(n: Expr | AstNode): Range {
    const size = "exprKind" in n ? this.computeSize(n) : n.computedSize;
    return size ?? UNKNOWN;
  }

  private computeSize(e: Expr): Range | undefined {
    const known = this.sizes.get(e.id);
    if (known) return known;
    const literal = literalSize(e);
    if (literal) return literal;
    const estimated = this.estimateSize(this.path(e));
    if (estimated) {
      this.sizes.set(e.id, estimated);
      return estimated;
    }
    if (isScalar(this.type(e))) return fixed(1);
    if (e.exprKind.case === "identExpr") return this.peek(e.exprKind.value.name)?.size;
    return undefined;
  }

  private entrySize(e: Expr): EntrySize | undefined {
    const known = this.entrySizes.get(e.id);
    if (known) return known;
    if (e.exprKind.case === "identExpr") return this.peek(e.exprKind.value.name)?.entrySize;
    return undefined;
  }

  private copySizes(dst: Expr, src: Expr): void {
    const size = this.computeSize(src);
    if (size) this.sizes.set(dst.id, size);
    const entries = this.entrySize(src);
    if (entries) this.entrySizes.set(dst.id, entries);
  }

  private pushLocal(name: string, e: Expr): void {
    this.push(name, { path: this.path(e), size: this.computeSize(e), entrySize: this.entrySize(e) });
  }

  private push(name: string, v: LocalVar): void {
    const stack = this.locals.get(name) ?? [];
    stack.push(v);
    this.locals.set(name, stack);
  }

  private pop(name: string): void {
    this.locals.get(name)?.pop();
  }

  private peek(name: string): LocalVar | undefined {
    const stack = this.locals.get(name);
    return stack?.[stack.length - 1];
  }
}

/** The exact size of a literal (cel-go's computeExprSize). */
function literalSize(e: Expr): Range | undefined {
  const k = e.exprKind;
  switch (k.case) {
    case "constExpr": {
      const c = k.value.constantKind;
      if (c.case === "stringValue") return fixed([...(c.value as string)].length);
      if (c.case === "bytesValue") return fixed((c.value as Uint8Array).length);
      return fixed(1);
    }
    case "listExpr":
      return fixed(k.value.elements.length);
    case "structExpr":
      return k.value.messageName ? undefined : fixed(k.value.entries.length);
    default:
      return undefined;
  }
}

function isScalar(t: Type): boolean {
  return t.kind === "bool" || t.kind === "double" || t.kind === "duration" || t.kind === "int" || t.kind === "timestamp" || t.kind === "uint";
}
