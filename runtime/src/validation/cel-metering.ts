/**
 * Runtime cost tracking for @bufbuild/cel, which has none: the parsed
 * expression is rewritten so that evaluating it charges cel-go's runtime
 * cost (interpreter/runtimecost.go, as Kubernetes configures it) to the
 * active CostTracker, which stops the evaluation as soon as the cost passes
 * its limit.
 *
 * - Every function call goes through a metered function resolver that charges
 *   callCost (sizes of the arguments) before the call runs, so a `matches`
 *   over a huge string is refused before it scans anything.
 * - Attribute chains (`self.spec.items[0]`) cost 1 for the identifier and 1
 *   per select or index, as cel-go's observer charges attributes and their
 *   qualifiers; the sum is charged once, by a `@charge#N` call wrapped around
 *   the chain. `has()` costs its operand only (Kubernetes sets
 *   PresenceTestHasCost(false)); `&&`, `||`, `?:` and comprehensions cost
 *   nothing themselves; `@not_strictly_false` costs 1; list and map literals
 *   cost 10 and 30.
 * - Kubernetes evaluates with cel.OptOptimize, which folds literals made of
 *   constants, conversions of constants and `x in [constants]` before cost
 *   tracking sees them: those cost nothing here either.
 *
 * Approximation (not exact): cel-go also charges a node whose evaluation
 * produced an error, and a call with an erroring argument; @bufbuild/cel
 * returns the error before any charge wrapped around the node or the call
 * runs, so an evaluation that meets an error (no such key, a failed
 * conversion) may count a few units less than cel-go's. Evaluations without
 * errors cost exactly what cel-go charges.
 */
import { plan, type CelEnv, type CelResult } from "@bufbuild/cel";
import { ACCUMULATOR, APPEND } from "./cel-accumulator.js";
import { callCost, LIST_CREATE_BASE_COST, MAP_CREATE_BASE_COST, resultCost, STRUCT_CREATE_BASE_COST, type CostTracker } from "./cel-cost.js";

export type Program = (bindings: Record<string, unknown>) => CelResult;

interface FuncGroup {
  call(id: number, target: unknown, args: unknown[]): unknown;
}
interface FuncResolver {
  find(name: string): FuncGroup | undefined;
}

/** The tracker of the evaluation under way; evaluation is synchronous, so one slot is enough. */
let active: CostTracker | undefined;

/** Runs a metered program charging `tracker`; a CelError result with `tracker.exceeded` means the limit stopped it. */
export function evaluateMetered(program: Program, bindings: Record<string, unknown>, tracker: CostTracker): CelResult {
  const outer = active;
  active = tracker;
  try {
    return program(bindings);
  } finally {
    active = outer;
  }
}

const CHARGE = "@charge#";
const UNCHARGED = "#0";

/** The environment's functions, charged to the active tracker; `@charge#N` charges N; `name#0` is `name`, free. */
function meteredResolver(inner: FuncResolver): FuncResolver {
  const charges = new Map<number, FuncGroup>();
  const metered = new Map<string, FuncGroup | undefined>();
  return {
    find(name) {
      if (name.startsWith(CHARGE)) {
        const n = Number(name.slice(CHARGE.length));
        let g = charges.get(n);
        if (!g) charges.set(n, (g = { call: (_id, _target, args) => (active?.add(n), args[0]) }));
        return g;
      }
      if (name.endsWith(UNCHARGED)) return inner.find(name.slice(0, -UNCHARGED.length));
      if (!metered.has(name)) {
        const group = inner.find(name);
        metered.set(name, group && meteredGroup(name, group));
      }
      return metered.get(name);
    },
  };
}

function meteredGroup(name: string, group: FuncGroup): FuncGroup {
  return {
    call(id, target, args) {
      const tracker = active;
      if (!tracker) return group.call(id, target, args);
      tracker.add(callCost(name, target === undefined ? args : [target, ...args]));
      const result = group.call(id, target, args);
      const after = resultCost(name, result);
      if (after > 0) tracker.add(after);
      return result;
    },
  };
}

/** An environment whose functions are metered, for planning rewritten expressions. */
export function meteredEnv(env: CelEnv): CelEnv {
  const funcs = meteredResolver(env.funcs as unknown as FuncResolver);
  return { namespace: env.namespace, registry: env.registry, variables: env.variables, funcs } as unknown as CelEnv;
}

// ---- The rewrite -----------------------------------------------------------

interface Node {
  $typeName?: string;
  id: bigint;
  exprKind: { case: string | undefined; value?: any };
}

const CONVERSIONS = new Set(["bool", "bytes", "double", "duration", "dyn", "int", "string", "timestamp", "type", "uint"]);
const NOT_STRICTLY_FALSE = new Set(["@not_strictly_false", "__not_strictly_false__"]);
const PRIMITIVE_CONSTS = new Set(["boolValue", "int64Value", "uint64Value", "doubleValue", "stringValue"]);

function kind(e: Node, c: string, value: unknown): Node {
  return { ...e, exprKind: { case: c, value } };
}

function callNode(id: bigint, fn: string, args: Node[]): Node {
  return { $typeName: "cel.expr.Expr", id, exprKind: { case: "callExpr", value: { $typeName: "cel.expr.Expr.Call", function: fn, args } } };
}

function charge(e: Node, n: number): Node {
  return n > 0 ? callNode(e.id, CHARGE + n, [e]) : e;
}

function call(e: Node): { function: string; args: Node[]; target?: Node } | undefined {
  return e.exprKind.case === "callExpr" ? e.exprKind.value : undefined;
}

/** Nodes cel-go plans as attributes: identifiers, selects, indexes and conditionals. */
function isAttribute(e: Node): boolean {
  const c = e.exprKind.case;
  if (c === "identExpr") return true;
  if (c === "selectExpr") return !e.exprKind.value.testOnly;
  const fn = call(e)?.function;
  return fn === "_[_]" || fn === "_?_:_";
}

/** Whether cel.OptOptimize turns the node into a constant. */
function isConstant(e: Node): boolean {
  switch (e.exprKind.case) {
    case "constExpr":
      return true;
    case "listExpr":
      return (e.exprKind.value.elements as Node[]).every(isConstant);
    case "structExpr":
      return e.exprKind.value.messageName === "" && (e.exprKind.value.entries as { keyKind: { value: Node }; value: Node }[]).every((x) => isConstant(x.keyKind.value) && isConstant(x.value));
    case "callExpr": {
      const c = call(e)!;
      return !c.target && CONVERSIONS.has(c.function) && c.args.length === 1 && isConstant(c.args[0]!);
    }
    default:
      return false;
  }
}

/** `a.b.c` as a qualified function name, if it is one. */
function qualifiedName(e: Node): string | undefined {
  if (e.exprKind.case === "identExpr") return e.exprKind.value.name;
  if (e.exprKind.case === "selectExpr" && !e.exprKind.value.testOnly) {
    const parent = qualifiedName(e.exprKind.value.operand);
    return parent === undefined ? undefined : `${parent}.${e.exprKind.value.field}`;
  }
  return undefined;
}

class Rewriter {
  constructor(private readonly isFunction: (name: string) => boolean) {}

  /** The node, charging its own cost when it is evaluated. */
  meter(e: Node): Node {
    const v = e.exprKind.value;
    switch (e.exprKind.case) {
      case "identExpr":
        return charge(e, 1);
      case "selectExpr": {
        const [operand, cost] = this.operand(v.operand, false);
        return charge(kind(e, "selectExpr", { ...v, operand }), cost + (v.testOnly ? 0 : 1));
      }
      case "callExpr":
        return this.meterCall(e);
      case "listExpr": {
        const list = kind(e, "listExpr", { ...v, elements: (v.elements as Node[]).map((x) => this.meter(x)) });
        return isConstant(e) ? list : charge(list, LIST_CREATE_BASE_COST);
      }
      case "structExpr": {
        const entries = (v.entries as { keyKind: { case: string; value: Node }; value: Node }[]).map((x) => ({
          ...x,
          keyKind: x.keyKind.case === "mapKey" ? { ...x.keyKind, value: this.meter(x.keyKind.value) } : x.keyKind,
          value: this.meter(x.value),
        }));
        const created = kind(e, "structExpr", { ...v, entries });
        if (isConstant(e)) return created;
        return charge(created, v.messageName === "" ? MAP_CREATE_BASE_COST : STRUCT_CREATE_BASE_COST);
      }
      case "comprehensionExpr":
        return kind(e, "comprehensionExpr", {
          ...v,
          iterRange: this.meter(v.iterRange),
          accuInit: this.meter(v.accuInit),
          loopCondition: this.meter(v.loopCondition),
          loopStep: this.meter(v.loopStep),
          result: this.meter(v.result),
        });
      default:
        return e;
    }
  }

  private meterCall(e: Node): Node {
    const c = call(e)!;
    const withArgs = (args: Node[], fn = c.function, target = c.target) => kind(e, "callExpr", { ...c, function: fn, args, target });
    switch (c.function) {
      case "_[_]": {
        const [node, cost] = this.chain(e, false);
        return charge(node, cost);
      }
      case "_?_:_":
        return this.conditional(e);
      case "_&&_":
      case "_||_":
        return withArgs(c.args.map((x) => this.meter(x)));
    }
    if (NOT_STRICTLY_FALSE.has(c.function)) return charge(withArgs(c.args.map((x) => this.meter(x))), 1);
    // A conversion of a constant is folded (its constant argument is free, whatever nests in it).
    if (!c.target && isConstant(e)) return withArgs(c.args.map((x) => this.meter(x)), c.function + UNCHARGED);
    if (c.function === "@in" && this.isConstantSet(c.args[1]!)) {
      // Set membership: free; against an empty list, the constant false.
      if (c.args[1]!.exprKind.value.elements.length === 0) return kind(e, "constExpr", { $typeName: "cel.expr.Constant", constantKind: { case: "boolValue", value: false } });
      return withArgs([this.meter(c.args[0]!), c.args[1]!], "@in" + UNCHARGED);
    }
    // A macro's `@result + [x]` (map, filter; exists_one adds ints) appends in place (cel-accumulator.ts); it costs what `_+_` on lists costs.
    const [lhs, rhs] = c.args;
    if (c.function === "_+_" && lhs?.exprKind.case === "identExpr" && lhs.exprKind.value.name === ACCUMULATOR && rhs?.exprKind.case === "listExpr") {
      return withArgs(
        c.args.map((x) => this.meter(x)),
        APPEND,
      );
    }
    let target = c.target;
    if (target) {
      const q = qualifiedName(target);
      if (q === undefined || !this.isFunction(`${q}.${c.function}`)) target = this.meter(target);
    }
    return withArgs(
      c.args.map((x) => this.meter(x)),
      c.function,
      target,
    );
  }

  private isConstantSet(e: Node): boolean {
    if (e.exprKind.case !== "listExpr") return false;
    return (e.exprKind.value.elements as Node[]).every((x) => x.exprKind.case === "constExpr" && PRIMITIVE_CONSTS.has(x.exprKind.value.constantKind.case));
  }

  /** `c ? t : f`: no cost of its own; a branch's root attribute is resolved, not evaluated, so it is free. */
  private conditional(e: Node): Node {
    const c = call(e)!;
    const branch = (x: Node) => {
      if (!isAttribute(x)) return this.meter(x);
      const [node, cost] = this.chain(x, true);
      return charge(node, cost);
    };
    return kind(e, "callExpr", { ...c, args: [this.meter(c.args[0]!), branch(c.args[1]!), branch(c.args[2]!)] });
  }

  /** An operand of a select or index: an attribute extends the chain; anything else becomes a relative attribute (1). */
  private operand(e: Node, rootFree: boolean): [Node, number] {
    if (isAttribute(e)) return this.chain(e, rootFree);
    return [this.meter(e), rootFree ? 0 : 1];
  }

  /** An attribute chain without its charge, and the cost of the chain itself. */
  private chain(e: Node, rootFree: boolean): [Node, number] {
    const v = e.exprKind.value;
    switch (e.exprKind.case) {
      case "identExpr":
        return [e, rootFree ? 0 : 1];
      case "selectExpr": {
        const [operand, cost] = this.operand(v.operand, rootFree);
        return [kind(e, "selectExpr", { ...v, operand }), cost + 1];
      }
    }
    const c = call(e)!;
    if (c.function === "_?_:_") return [this.conditional(e), 0];
    // `_[_]`: an index that is itself an attribute is the qualifier (its own cost); any other index costs 1.
    const [operand, cost] = this.operand(c.args[0]!, rootFree);
    const index = c.args[1]!;
    let [indexNode, indexCost] = [index, 1];
    if (isAttribute(index)) [indexNode, indexCost] = this.chain(index, false);
    else if (index.exprKind.case !== "constExpr") indexNode = this.meter(index);
    return [kind(e, "callExpr", { ...c, args: [operand, indexNode] }), cost + indexCost];
  }
}

/** A parsed expression (an Expr), rewritten so that evaluating it charges its cost. */
function meterExpression(expr: unknown, env: CelEnv): unknown {
  const funcs = env.funcs as unknown as FuncResolver;
  return new Rewriter((name) => funcs.find(name) !== undefined).meter(expr as Node);
}

/** Plans a parsed expression to a metered program. */
export function planMetered(env: CelEnv, metered: CelEnv, expr: unknown): Program {
  return plan(metered, meterExpression(expr, env) as Parameters<typeof plan>[1]) as unknown as Program;
}
