/**
 * Union tags (`@exactlyOneOf a,b` and friends) as CEL rules, worded as
 * controller-gen's ExactlyOneOf / AtMostOneOf / AtLeastOneOf markers word them,
 * so the API server enforces them like any other `x-kubernetes-validations` rule.
 */
import type { Constraints } from "./types.js";

export function unionRules(c: Constraints): Array<{ rule: string; message: string }> {
  const out: Array<{ rule: string; message: string }> = [];
  const count = (fields: string[]) => `[${fields.map((f) => `has(self.${f})`).join(",")}].filter(x,x).size()`;
  const names = (fields: string[]) => `[${fields.join(" ")}]`;
  for (const fields of c.exactlyOneOf ?? [])
    out.push({ rule: `${count(fields)} == 1`, message: `exactly one of the fields in ${names(fields)} must be set` });
  for (const fields of c.atMostOneOf ?? [])
    out.push({ rule: `${count(fields)} <= 1`, message: `at most one of the fields in ${names(fields)} may be set` });
  for (const fields of c.atLeastOneOf ?? [])
    out.push({ rule: `${count(fields)} >= 1`, message: `at least one of the fields in ${names(fields)} must be set` });
  return out;
}
