/**
 * Evaluates a structural schema's `x-kubernetes-validations` rules with
 * @bufbuild/cel (a CEL implementation that uses RE2 for `matches`, as
 * Kubernetes does). Rules bind `self` to the value at their node and, for
 * transition rules, `oldSelf` to the stored value at the same place: a
 * transition rule runs only on update and only where the old value exists,
 * and no rule runs on a part of the object an update left unchanged.
 * Each expression is parsed and planned once per process (cached by its
 * text), never per request. Failures are worded as apiextensions' CEL
 * validator words them (`Invalid value: "object": <message>`).
 */
import { celEnv, isCelError, parse, plan, type CelResult } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import type { FieldError, StructuralSchema } from "../api/resource.js";
import { kubernetesCelLibrary } from "./cel-library.js";
import { fieldError } from "./field-errors.js";
import { childPath, indexPath, keyPath, NIL_PATH } from "./paths.js";
import { deepEqual, listMapKey } from "./ratchet.js";

type Rule = NonNullable<StructuralSchema["x-kubernetes-validations"]>[number];
type Program = (bindings: Record<string, unknown>) => CelResult;

const env = celEnv({ funcs: [...strings, ...kubernetesCelLibrary] });
const programs = new Map<string, Program | Error>();

/** The planned program for an expression, from the cache; an Error when it does not parse. */
export function compileCel(expr: string): Program | Error {
  let p = programs.get(expr);
  if (!p) {
    try {
      const planned = plan(env, parse(expr)) as unknown as Program;
      p = planned;
    } catch (e) {
      p = e instanceof Error ? e : new Error(String(e));
    }
    programs.set(expr, p);
  }
  return p;
}

/** Transition rules mention `oldSelf`; Kubernetes decides the same from the compiled rule. */
export function isTransitionRule(rule: string): boolean {
  return /\boldSelf\b/.test(rule);
}

/**
 * Runs every rule of `schema` over `value`. `old` is the stored object on
 * update (undefined on create), correlated down the tree by property name,
 * map key and list-map key, like Kubernetes' correlated objects.
 */
export function validateCelRules(value: unknown, schema: StructuralSchema, old?: unknown): FieldError[] {
  const errs: FieldError[] = [];
  walk(value, schema, old, old !== undefined, "", errs);
  return errs;
}

function walk(value: unknown, s: StructuralSchema, old: unknown, hasOld: boolean, path: string, errs: FieldError[]): void {
  if (value === undefined || value === null) return;
  // Ratcheting: rules do not re-judge a part of the object that did not change.
  if (hasOld && deepEqual(value, old)) return;
  for (const rule of s["x-kubernetes-validations"] ?? []) evalRule(rule, value, s, old, hasOld, path, errs);
  if (Array.isArray(value)) {
    if (!s.items) return;
    const oldByKey = hasOld && Array.isArray(old) ? correlateListMap(old, s) : undefined;
    value.forEach((item, i) => {
      const o = oldByKey?.get(listMapKey(item, s));
      walk(item, s.items!, o, o !== undefined, indexPath(path, i), errs);
    });
    return;
  }
  if (typeof value !== "object") return;
  const obj = value as Record<string, unknown>;
  const oldObj = hasOld && old && typeof old === "object" && !Array.isArray(old) ? (old as Record<string, unknown>) : undefined;
  const additional = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
  for (const [k, v] of Object.entries(obj)) {
    const prop = s.properties?.[k];
    const hasOldChild = oldObj?.[k] !== undefined;
    if (prop) walk(v, prop, oldObj?.[k], hasOldChild, childPath(path, k), errs);
    else if (additional) walk(v, additional, oldObj?.[k], hasOldChild, keyPath(path, k), errs);
  }
}

/** Old items of a `listType: map` list by their keys; other lists do not correlate. */
function correlateListMap(old: unknown[], s: StructuralSchema): Map<string, unknown> | undefined {
  if (s["x-kubernetes-list-type"] !== "map") return undefined;
  return new Map(old.map((item) => [listMapKey(item, s), item]));
}

function evalRule(rule: Rule, value: unknown, s: StructuralSchema, old: unknown, hasOld: boolean, path: string, errs: FieldError[]): void {
  const transition = isTransitionRule(rule.rule);
  if (transition && !hasOld) return;
  // optionalOldSelf binds oldSelf as a CEL optional, which @bufbuild/cel 0.6 does not have:
  // such rules are not evaluated rather than misjudged.
  if (rule.optionalOldSelf) return;
  const typeName = s.type ?? "";
  const program = compileCel(rule.rule);
  if (program instanceof Error) {
    errs.push(fieldError.internal(path, `rule compile error: ${program.message}: ${rule.rule}`));
    return;
  }
  const bindings: Record<string, unknown> = { self: toCel(value, s) };
  if (transition && hasOld) bindings.oldSelf = toCel(old, s);
  const result = program(bindings);
  if (isCelError(result)) {
    errs.push(fieldError.invalid(path || NIL_PATH, typeName, `${result.message} evaluating rule: ${ruleErrorString(rule)}`));
    return;
  }
  if (result === true) return;
  // Rules on the object itself run with a nil field.Path upstream, which prints as "<nil>".
  const field = rule.fieldPath ? childPath(path, rule.fieldPath.replace(/^\./, "")) : path || NIL_PATH;
  const message = messageFor(rule, bindings);
  switch (rule.reason) {
    case "FieldValueForbidden":
      errs.push(fieldError.forbidden(field, message));
      break;
    case "FieldValueRequired":
      errs.push(fieldError.required(field, message));
      break;
    case "FieldValueDuplicate":
      errs.push(fieldError.duplicate(field, typeName));
      break;
    default:
      errs.push(fieldError.invalid(field, typeName, message));
  }
}

function ruleErrorString(rule: Rule): string {
  return rule.message?.trim() || rule.rule.trim();
}

/** messageExpression when it yields a non-empty string, else message, else `failed rule: <rule>`. */
function messageFor(rule: Rule, bindings: Record<string, unknown>): string {
  if (rule.messageExpression) {
    const p = compileCel(rule.messageExpression);
    if (!(p instanceof Error)) {
      const m = p(bindings);
      if (typeof m === "string" && m.trim()) return m.trim();
    }
  }
  return rule.message?.trim() ? rule.message.trim() : `failed rule: ${ruleErrorString(rule)}`;
}

/** CEL converters for formatted strings, planned once. */
const STRING_FORMATS: Record<string, string> = {
  "date-time": "timestamp(s)",
  datetime: "timestamp(s)",
  date: "timestamp(s + 'T00:00:00Z')",
  duration: "duration(s)",
};

/**
 * Kubernetes types formatted strings in CEL: date-time and date are
 * timestamps, duration a duration, so rules can compare and subtract them.
 * A value that does not parse stays a string (schema validation reports it).
 */
function typedString(v: string, format: string): unknown {
  const expr = STRING_FORMATS[format];
  if (!expr) return v;
  const program = compileCel(expr);
  if (program instanceof Error) return v;
  const r = program({ s: v });
  return isCelError(r) ? v : r;
}

/**
 * JSON to CEL values by the schema: `integer` becomes a CEL int (bigint), not a
 * double; int-or-string is int or string by its value; date-time strings are
 * timestamps and durations durations; untyped values (preserve unknown fields)
 * follow JSON decoding, where integral numbers are int64.
 */
export function toCel(v: unknown, s: StructuralSchema | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") {
    if (s?.type === "number") return v;
    return Number.isInteger(v) ? BigInt(v) : v;
  }
  if (typeof v === "string" && s?.type === "string" && s.format) return typedString(v, s.format);
  if (Array.isArray(v)) return v.map((x) => toCel(x, s?.items));
  if (typeof v === "object") {
    const additional = s && typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toCel(x, s?.properties?.[k] ?? additional);
    return out;
  }
  return v;
}
