/**
 * Kubernetes' CEL quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go):
 * `quantity(s)`, `isQuantity(s)`, `sign(q)` (declared as a global function
 * upstream, so `q.sign()` does not compile there either), and the methods
 * isGreaterThan, isLessThan, compareTo, add, sub (a quantity or an int),
 * asInteger, isInteger, asApproximateFloat. Parsing and arithmetic are
 * resource.Quantity's (apimachinery/quantity.ts).
 */
import { CelScalar, type CelFunc } from "@bufbuild/cel";
import { Quantity } from "../apimachinery/quantity.js";
import { OpaqueValue, opaqueFunc, QUANTITY } from "./cel-values.js";

const { STRING, INT, BOOL, DOUBLE } = CelScalar;

export class CelQuantity extends OpaqueValue {
  readonly typeName = "kubernetes.Quantity";

  constructor(readonly quantity: Quantity) {
    super();
  }

  /** Quantity.Equal compares amounts: 1k == 1000. */
  protected identity(): string {
    return this.quantity.key();
  }
}

const wrap = (q: Quantity) => new CelQuantity(q);

function isQuantity(s: string): boolean {
  try {
    Quantity.parse(s);
    return true;
  } catch {
    return false;
  }
}

export const quantityFuncs: CelFunc[] = [
  opaqueFunc("quantity", undefined, [STRING], QUANTITY, (s: string) => wrap(Quantity.parse(s))),
  opaqueFunc("isQuantity", undefined, [STRING], BOOL, isQuantity),
  opaqueFunc("sign", undefined, [QUANTITY], INT, (q: CelQuantity) => BigInt(q.quantity.sign())),
  opaqueFunc("isGreaterThan", QUANTITY, [QUANTITY], BOOL, (a: CelQuantity, b: CelQuantity) => a.quantity.cmp(b.quantity) === 1),
  opaqueFunc("isLessThan", QUANTITY, [QUANTITY], BOOL, (a: CelQuantity, b: CelQuantity) => a.quantity.cmp(b.quantity) === -1),
  opaqueFunc("compareTo", QUANTITY, [QUANTITY], INT, (a: CelQuantity, b: CelQuantity) => BigInt(a.quantity.cmp(b.quantity))),
  opaqueFunc("asApproximateFloat", QUANTITY, [], DOUBLE, (q: CelQuantity) => q.quantity.asApproximateFloat64()),
  opaqueFunc("asInteger", QUANTITY, [], INT, (q: CelQuantity) => {
    const v = q.quantity.asInt64();
    if (v === undefined) throw new Error("cannot convert value to integer");
    return v;
  }),
  opaqueFunc("isInteger", QUANTITY, [], BOOL, (q: CelQuantity) => q.quantity.asInt64() !== undefined),
  opaqueFunc("add", QUANTITY, [QUANTITY], QUANTITY, (a: CelQuantity, b: CelQuantity) => wrap(a.quantity.add(b.quantity))),
  opaqueFunc("add", QUANTITY, [INT], QUANTITY, (a: CelQuantity, n: bigint) => wrap(a.quantity.add(Quantity.fromInt(n)))),
  opaqueFunc("sub", QUANTITY, [QUANTITY], QUANTITY, (a: CelQuantity, b: CelQuantity) => wrap(a.quantity.sub(b.quantity))),
  opaqueFunc("sub", QUANTITY, [INT], QUANTITY, (a: CelQuantity, n: bigint) => wrap(a.quantity.sub(Quantity.fromInt(n)))),
];
