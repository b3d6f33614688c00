/**
 * CEL rules on a candidate sample, evaluated with @bufbuild/cel and its string
 * extensions. Only a rule that evaluates to false rules a candidate out: one
 * that errors (a Kubernetes library function, a field the server would
 * default) cannot be judged here, and the smoke test's server has the last word.
 */
import { isCelError, run } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import type { TypeNode } from "../../model/types.js";

/** A JSON value as a rule sees it. */
export type RuleInput = unknown;

/** The first rule that is false for `value`, or undefined when none is. Transition rules (oldSelf) never apply to a create. */
export function rulesHold(rules: ReadonlyArray<{ rule: string }>, value: RuleInput, type?: TypeNode): string | undefined {
  for (const { rule } of rules) {
    if (/\boldSelf\b/.test(rule)) continue;
    const result = run(rule, { self: toCel(value, type?.kind === "number") as never }, { funcs: strings });
    if (!isCelError(result) && result === false) return rule;
  }
  return undefined;
}

/** JSON to CEL: integral numbers are ints, as Kubernetes decodes them (a `number` field's value stays a double). */
function toCel(v: unknown, double = false): unknown {
  if (typeof v === "number") return Number.isInteger(v) && !double ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map((x) => toCel(x));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  return v;
}
