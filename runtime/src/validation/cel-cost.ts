/**
 * CEL runtime cost, as Kubernetes limits it: the numbers of
 * k8s.io/apiserver/pkg/apis/cel/config.go (PerCallLimit, RuntimeCELCostBudget)
 * and the cost of each function call as cel-go's interpreter/runtimecost.go
 * (costCall) and Kubernetes' library estimator
 * (k8s.io/apiserver/pkg/cel/library/cost.go, CallCost) compute it: O(1) calls
 * cost 1, string and list operations (and parsing a quantity, URL, IP or
 * CIDR) cost by the size of their arguments, regex matching (and format
 * validation) by string length times pattern length, the sets extension by
 * the product of the lists' sizes. The arithmetic is
 * the same float64 arithmetic as Go's (`math.Ceil(float64(n) * 0.1)`), so
 * the same values cost the same.
 */
import { isCelList, isCelMap } from "@bufbuild/cel";
import { CelFormat } from "./cel-format.js";
import { CelCIDR } from "./cel-ip.js";

/** Cost limit of one rule evaluation (PerCallLimit). */
export const PER_CALL_LIMIT = 1_000_000;
/** Cost budget of all the rules run for one object (RuntimeCELCostBudget). */
export const RUNTIME_CEL_COST_BUDGET = 10_000_000;
/** cel-go's message when an evaluation passes its cost limit. */
export const COST_LIMIT_EXCEEDED = "operation cancelled: actual cost limit exceeded";

/** cel-go's common/cost.go constants. */
export const LIST_CREATE_BASE_COST = 10;
export const MAP_CREATE_BASE_COST = 30;
export const STRUCT_CREATE_BASE_COST = 40;
export const STRING_TRAVERSAL_COST_FACTOR = 0.1;
export const REGEX_STRING_LENGTH_COST_FACTOR = 0.25;

/** Thrown (and caught by the evaluator's caller) when an evaluation passes its limit, as cel-go panics. */
class CostLimitExceeded extends Error {
  constructor() {
    super(COST_LIMIT_EXCEEDED);
  }
}

/** The running cost of one evaluation; stops it as soon as the cost passes the limit. */
export class CostTracker {
  cost = 0;
  exceeded = false;
  constructor(readonly limit: number = PER_CALL_LIMIT) {}

  add(n: number): void {
    this.cost += n;
    if (this.cost > this.limit) {
      this.exceeded = true;
      throw new CostLimitExceeded();
    }
  }
}

/** Unicode code points, as cel-go sizes a string (utf8.RuneCountInString; a lone surrogate is one U+FFFD). */
function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** cel-go's actualSize: the size of strings, bytes, lists and maps; 1 for every other value. */
function actualSize(v: unknown): number {
  if (typeof v === "string") return codePointLength(v);
  if (v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) return v.length;
  if (isCelList(v) || isCelMap(v) || v instanceof Map) return (v as { size: number }).size;
  return 1;
}

/** Kubernetes' traversalCost (library/cost.go): a walk of the value, strings by UTF-8 length. */
function traversalCost(v: unknown): number {
  if (typeof v === "string") return Math.trunc(Buffer.byteLength(v, "utf8") * STRING_TRAVERSAL_COST_FACTOR);
  if (v instanceof Uint8Array) return Math.trunc(v.length * STRING_TRAVERSAL_COST_FACTOR);
  if (Array.isArray(v) || isCelList(v)) {
    let cost = 0;
    for (const x of v as Iterable<unknown>) cost += traversalCost(x);
    return cost;
  }
  if (isCelMap(v)) {
    let cost = 0;
    for (const [k, x] of v.entries()) cost += traversalCost(k) + traversalCost(x);
    return cost;
  }
  return 1;
}

function traversal(n: number): number {
  return Math.ceil(n * STRING_TRAVERSAL_COST_FACTOR);
}

function regexCost(text: unknown, pattern: unknown): number {
  const strCost = Math.ceil((1.0 + actualSize(text)) * STRING_TRAVERSAL_COST_FACTOR);
  return strCost * Math.ceil(actualSize(pattern) * REGEX_STRING_LENGTH_COST_FACTOR);
}

const bothStrings = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string";
const bothBytes = (a: unknown, b: unknown) => a instanceof Uint8Array && b instanceof Uint8Array;

/**
 * The cost of one call, known before it runs; `args` start with the receiver
 * of a method call, as cel-go passes them. Kubernetes' estimator is asked
 * first, then cel-go's table; every other call costs 1. `join` is the one
 * call whose cost depends on its result: see resultCost.
 */
export function callCost(fn: string, args: unknown[]): number {
  const [a, b] = args;
  switch (fn) {
    // Kubernetes' library (library/cost.go CallCost).
    case "isSorted":
    case "sum":
    case "max":
    case "min":
    case "indexOf":
    case "lastIndexOf":
      return args.length > 0 ? traversalCost(a) : 0;
    case "lowerAscii":
    case "upperAscii":
    case "substring":
    case "trim":
      return traversal(actualSize(a));
    case "replace":
    case "split":
      return Math.ceil(actualSize(a) * 2 * STRING_TRAVERSAL_COST_FACTOR);
    case "join":
      return 0;
    case "find":
    case "findAll":
      return args.length >= 2 ? regexCost(a, b) : 1;
    case "url":
    case "quantity":
    case "isQuantity":
    case "cidr":
    case "isIP":
    case "isCIDR":
      return traversal(actualSize(a));
    case "ip":
      return a instanceof CelCIDR ? 1 : traversal(actualSize(a));
    case "ip.isCanonical":
      return Math.ceil(actualSize(a) * 2 * STRING_TRAVERSAL_COST_FACTOR);
    case "containsIP":
      return traversal(actualSize(a) * 2) + (typeof b === "string" ? traversal(actualSize(b)) : 0);
    case "containsCIDR":
      return traversal(actualSize(a) * 2) + traversal(actualSize(a)) + 1 + (typeof b === "string" ? traversal(actualSize(b)) : 0);
    case "validate":
      return a instanceof CelFormat ? traversal(1 + actualSize(b)) * Math.ceil(a.maxRegexSize * REGEX_STRING_LENGTH_COST_FACTOR) : 1;
    // cel-go's sets extension (ext/sets.go trackSetsCost).
    case "sets.contains":
    case "sets.intersects":
      return 1 + actualSize(a) * actualSize(b);
    case "sets.equivalent":
      return 1 + actualSize(a) * actualSize(b) * 2;
    // cel-go's standard library (interpreter/runtimecost.go costCall).
    case "startsWith":
    case "endsWith":
    case "strings.quote":
    case "format":
      return typeof a === "string" ? traversal(actualSize(a)) : 1;
    case "bytes":
      return typeof a === "string" ? traversal(actualSize(a)) : 1;
    case "string":
      return a instanceof Uint8Array ? traversal(a.length) : 1;
    case "@in":
      return Array.isArray(b) || isCelList(b) ? actualSize(b) : 1;
    case "_<_":
    case "_>_":
    case "_<=_":
    case "_>=_":
      return bothStrings(a, b) || bothBytes(a, b) ? traversal(Math.min(actualSize(a), actualSize(b))) : 1;
    case "_==_":
    case "_!=_":
      return traversal(Math.min(actualSize(a), actualSize(b)));
    case "_+_":
      return bothStrings(a, b) || bothBytes(a, b) ? traversal(actualSize(a) + actualSize(b)) : 1;
    case "matches":
      return regexCost(a, b);
    case "contains":
      return typeof a === "string" ? traversal(actualSize(a)) * traversal(actualSize(b)) : 1;
    default:
      return 1;
  }
}

/** The part of a call's cost that depends on its result (Kubernetes' `join`: twice the result's traversal). */
export function resultCost(fn: string, result: unknown): number {
  return fn === "join" ? Math.ceil(actualSize(result) * 2 * STRING_TRAVERSAL_COST_FACTOR) : 0;
}
