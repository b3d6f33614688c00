/**
 * Evaluates a structural schema's `x-kubernetes-validations` rules as
 * apiextensions' CEL validator does (k8s.io/apiextensions-apiserver
 * pkg/apiserver/schema/cel/validation.go). Rules bind `self` to the value at
 * their node and, for transition rules, `oldSelf` to the stored value at the
 * same place: a transition rule runs only on update and only where the old
 * value exists, unless the rule sets optionalOldSelf: then it runs on create
 * too, with `oldSelf` a CEL optional (optional.none() where there is no old
 * value).
 *
 * Cost: every rule runs under the per-call limit and all rules of one object
 * share the per-object budget (k8s.io/apiserver/pkg/apis/cel/config.go); a
 * rule past the limit, or past what is left of the budget, ends validation
 * with kube's message and no further rule runs.
 *
 * Ratcheting (Kubernetes since 1.30): rules run on unchanged parts of the
 * object too (their cost counts), but a failed rule that does not use
 * `oldSelf` is not reported where the value equals the stored one (kube
 * turns it into a warning).
 */
import { isCelError } from "@bufbuild/cel";
import type { FieldError, StructuralSchema } from "../api/resource.js";
import { COST_LIMIT_EXCEEDED, CostTracker, PER_CALL_LIMIT, RUNTIME_CEL_COST_BUDGET } from "./cel-cost.js";
import { evaluateMetered } from "./cel-metering.js";
import { CelOptional } from "./cel-optional.js";
import { compileCel, isTransitionRule, toCel } from "./cel-program.js";
import { fieldError } from "./field-errors.js";
import { goQuote } from "./go-format.js";
import { childPath, indexPath, keyPath, NIL_PATH } from "./paths.js";
import { relevantWhere } from "./schema-walk.js";
import { deepEqual, listMapKey } from "./ratchet.js";

export { compileCel, isTransitionRule, toCel } from "./cel-program.js";

type Rule = NonNullable<StructuralSchema["x-kubernetes-validations"]>[number];

/** validation.go's words when the object's budget is spent. */
export const OUT_OF_BUDGET = "validation failed due to running out of cost budget, no further validation rules will be run";
const MESSAGE_OUT_OF_BUDGET = "messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run";
/** celconfig.MaxEvaluatedMessageExpressionSizeBytes */
const MAX_MESSAGE_BYTES = 5 * 1024;

/** One object's validation: the errors so far and what is left of the budget (negative once validation stopped). */
interface Run {
  errs: FieldError[];
  budget: number;
}

/**
 * Runs every rule of `schema` over `value`. `old` is the stored object on
 * update (undefined on create), correlated down the tree by property name,
 * map key and list-map key, like Kubernetes' correlated objects. `budget`
 * is the object's cost budget (Validate's costBudget; RuntimeCELCostBudget).
 */
export function validateCelRules(value: unknown, schema: StructuralSchema, old?: unknown, budget = RUNTIME_CEL_COST_BUDGET): FieldError[] {
  const run: Run = { errs: [], budget };
  const hasOld = old !== undefined;
  walk(value, schema, old, hasOld, hasOld && deepEqual(value, old), "", run);
  return run.errs;
}

/**
 * Plans every rule and messageExpression of `schema` and below, as kube builds a kind's CEL
 * validator when it starts serving the kind: the parser and planner then run at start, not in
 * the first request that reaches each rule. Returns the expressions that do not compile, by
 * schema path (requests report them as before; the generator rejects them earlier).
 */
export function compileRules(schema: StructuralSchema, path = "", seen = new WeakSet<StructuralSchema>()): string[] {
  if (seen.has(schema) || !hasRules(schema)) return [];
  seen.add(schema);
  const failed: string[] = [];
  for (const rule of schema["x-kubernetes-validations"] ?? []) {
    for (const expr of [rule.rule, rule.messageExpression]) {
      const program = expr === undefined ? undefined : compileCel(expr);
      if (program instanceof Error) failed.push(`${path || "<root>"}: ${expr}: ${program.message}`);
    }
  }
  const additional = typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
  for (const [k, prop] of Object.entries(schema.properties ?? {})) failed.push(...compileRules(prop, childPath(path, k), seen));
  if (schema.items) failed.push(...compileRules(schema.items, `${path}[*]`, seen));
  if (additional) failed.push(...compileRules(additional, `${path}[*]`, seen));
  return failed;
}

/**
 * `unchanged`: the value, or its nearest correlated ancestor, equals the stored one (errors are ratcheted).
 * Properties are visited in the object's order; kube ranges over a Go map, so when the budget runs out
 * part-way, which properties it had validated is not fixed there either.
 */
function walk(value: unknown, s: StructuralSchema, old: unknown, hasOld: boolean, unchanged: boolean, path: string, run: Run): void {
  if (value === undefined || value === null || !hasRules(s)) return;
  evalRules(value, s, old, hasOld, unchanged, path, run);
  if (run.budget < 0) return;
  const child = (v: unknown, cs: StructuralSchema, o: unknown, p: string) => {
    const correlated = o !== undefined;
    walk(v, cs, o, correlated, unchanged || (correlated && deepEqual(v, o)), p, run);
    return run.budget >= 0;
  };
  if (Array.isArray(value)) {
    if (!s.items) return;
    const oldByKey = hasOld && Array.isArray(old) ? correlateListMap(old, s) : undefined;
    value.every((item, i) => child(item, s.items!, oldByKey?.get(listMapKey(item, s)), indexPath(path, i)));
    return;
  }
  if (typeof value !== "object") return;
  const oldObj = hasOld && old && typeof old === "object" && !Array.isArray(old) ? (old as Record<string, unknown>) : undefined;
  const additional = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const prop = s.properties?.[k];
    if (prop) {
      if (hasRules(prop) && !child(v, prop, oldObj?.[k], childPath(path, k))) return;
    } else if (additional && hasRules(additional) && !child(v, additional, oldObj?.[k], keyPath(path, k))) return;
  }
}

/**
 * Whether a schema or any schema under it (properties, items, additionalProperties; not
 * allOf/anyOf/oneOf/not: cel.NewValidator's hasXValidations) has rules. Values whose schema
 * has none are not walked (most of an object, on most kinds).
 */
export const hasRules = relevantWhere((s) => (s["x-kubernetes-validations"]?.length ?? 0) > 0);

/** Old items of a `listType: map` list by their keys; other lists do not correlate. */
function correlateListMap(old: unknown[], s: StructuralSchema): Map<string, unknown> | undefined {
  if (s["x-kubernetes-list-type"] !== "map") return undefined;
  return new Map(old.map((item) => [listMapKey(item, s), item]));
}

/** validateExpressions: the node's rules, in order, charged to the object's budget. */
function evalRules(value: unknown, s: StructuralSchema, old: unknown, hasOld: boolean, unchanged: boolean, path: string, run: Run): void {
  const rules = s["x-kubernetes-validations"] ?? [];
  if (rules.length === 0) return;
  const typeName = s.type ?? "";
  const here = path || NIL_PATH;
  const stop = (err: FieldError) => {
    run.errs.push(err);
    run.budget = -1;
  };
  if (run.budget <= 0) return stop(fieldError.invalid(here, typeName, OUT_OF_BUDGET));
  const self = toCel(value, s);
  // Only rules (or messages) that mention oldSelf can read it: skip converting the stored value otherwise.
  const oldSelf = hasOld && rules.some((r) => isTransitionRule(r.rule) || isTransitionRule(r.messageExpression ?? "")) ? toCel(old, s) : undefined;
  const plain = { self, oldSelf };
  for (const rule of rules) {
    const program = compileCel(rule.rule);
    if (program instanceof Error) {
      run.errs.push(fieldError.internal(path, `rule compile error: ${program.message}: ${rule.rule}`));
      continue;
    }
    const transition = isTransitionRule(rule.rule);
    // A transition rule runs where there is an old value; with optionalOldSelf, everywhere (oldSelf is then optional.none()).
    if (transition && !hasOld && !rule.optionalOldSelf) continue;
    const bindings = rule.optionalOldSelf ? { self, oldSelf: hasOld ? CelOptional.of(oldSelf) : CelOptional.none } : plain;
    const tracker = new CostTracker(PER_CALL_LIMIT);
    const result = evaluateMetered(program, bindings, tracker);
    // As upstream: the budget is checked first, so a cancelled call that also overdraws the budget reads as the budget.
    if (tracker.cost > run.budget) return stop(fieldError.invalid(here, typeName, OUT_OF_BUDGET));
    run.budget -= tracker.cost;
    if (tracker.exceeded) {
      return stop(fieldError.invalid(here, typeName, `'${COST_LIMIT_EXCEEDED}': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleErrorString(rule)}`));
    }
    if (isCelError(result)) {
      run.errs.push(fieldError.invalid(here, typeName, `${result.message} evaluating rule: ${ruleErrorString(rule)}`));
      continue;
    }
    if (result === true) continue;
    // A failure in an unchanged part is ratcheted, unless the rule judges the transition itself.
    const report = (err: FieldError) => {
      if (transition || !unchanged) run.errs.push(err);
    };
    // Rules on the object itself run with a nil field.Path upstream, which prints as "<nil>".
    const field = rule.fieldPath ? childPath(path, rule.fieldPath.replace(/^\./, "")) : here;
    const message = messageFor(rule, bindings, run);
    if (typeof message !== "string") {
      report(fieldError.invalid(field, typeName, message.stop));
      run.budget = -1;
      return;
    }
    report(failure(rule, field, typeName, message));
  }
}

function failure(rule: Rule, field: string, typeName: string, message: string): FieldError {
  switch (rule.reason) {
    case "FieldValueForbidden":
      return fieldError.forbidden(field, message);
    case "FieldValueRequired":
      return fieldError.required(field, message);
    case "FieldValueDuplicate":
      return fieldError.duplicate(field, typeName);
    default:
      return fieldError.invalid(field, typeName, message);
  }
}

function ruleErrorString(rule: Rule): string {
  return rule.message?.trim() || rule.rule.trim();
}

/**
 * messageExpression when it yields a usable string (non-empty, one line, at
 * most 5 KiB), else message, else `failed rule: <rule>`; its cost is charged
 * to the object's budget like a rule's, and stops validation the same way
 * (evalMessageExpression).
 */
function messageFor(rule: Rule, bindings: Record<string, unknown>, run: Run): string | { stop: string } {
  const fallback = rule.message?.trim() ? rule.message.trim() : `failed rule: ${ruleErrorString(rule)}`;
  if (!rule.messageExpression) return fallback;
  const program = compileCel(rule.messageExpression);
  if (program instanceof Error) return fallback;
  const tracker = new CostTracker(PER_CALL_LIMIT);
  const m = evaluateMetered(program, bindings, tracker);
  if (tracker.cost > run.budget) return { stop: MESSAGE_OUT_OF_BUDGET };
  if (tracker.exceeded) return { stop: `no further validation rules will be run due to call cost exceeds limit for messageExpression: ${goQuote(rule.messageExpression)}` };
  run.budget -= tracker.cost;
  if (typeof m !== "string") return fallback;
  const trimmed = m.trim();
  if (!trimmed || trimmed.includes("\n") || Buffer.byteLength(trimmed, "utf8") > MAX_MESSAGE_BYTES) return fallback;
  return trimmed;
}
