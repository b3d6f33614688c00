/**
 * Validation changes between two values' constraints: tightened (a value the
 * old API accepted may be refused) or loosened. The server ratchets every
 * schema keyword and every CEL rule that does not read `oldSelf` (an unchanged
 * value is not re-validated on update, runtime/src/validation/ratchet.ts), so
 * only a new transition rule is a tightening stored objects cannot live with.
 */
import type { Constraints, ValidationRule } from "../model/types.js";

export interface ValidationChange {
  tightened: boolean;
  /** Whether the server ratchets it (only meaningful when tightened). */
  ratcheted: boolean;
  message: string;
}

type Bound = "minimum" | "maximum" | "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties";
const UPPER: Bound[] = ["maximum", "maxLength", "maxItems", "maxProperties"];
const LOWER: Bound[] = ["minimum", "minLength", "minItems", "minProperties"];

export function validationChanges(old: Constraints, now: Constraints): ValidationChange[] {
  const out: ValidationChange[] = [];
  const tight = (message: string, ratcheted = true) => out.push({ tightened: true, ratcheted, message });
  const loose = (message: string) => out.push({ tightened: false, ratcheted: true, message });

  for (const key of [...UPPER, ...LOWER]) {
    const upper = UPPER.includes(key);
    const exclusive = key === "maximum" ? "exclusiveMaximum" : key === "minimum" ? "exclusiveMinimum" : undefined;
    const a = old[key];
    const b = now[key];
    const ax = exclusive ? Boolean(old[exclusive]) : false;
    const bx = exclusive ? Boolean(now[exclusive]) : false;
    if (a === b && ax === bx) continue;
    const show = (v: number | undefined, x: boolean) => (v === undefined ? "none" : `${v}${x ? " (exclusive)" : ""}`);
    const what = `${key} ${show(a, ax)} -> ${show(b, bx)}`;
    if (b === undefined) loose(what);
    else if (a === undefined) tight(what);
    else if (upper ? b < a || (b === a && bx && !ax) : b > a || (b === a && bx && !ax)) tight(what);
    else loose(what);
  }

  if (old.multipleOf !== now.multipleOf) {
    const what = `multipleOf ${old.multipleOf ?? "none"} -> ${now.multipleOf ?? "none"}`;
    // Every multiple of the old step stays valid when the new step divides it.
    if (now.multipleOf === undefined || (old.multipleOf !== undefined && Number.isInteger(old.multipleOf / now.multipleOf))) loose(what);
    else tight(what);
  }
  if (old.pattern !== now.pattern) {
    if (now.pattern === undefined) loose(`pattern ${JSON.stringify(old.pattern)} removed`);
    else tight(old.pattern === undefined ? `new pattern ${JSON.stringify(now.pattern)}` : `pattern ${JSON.stringify(old.pattern)} -> ${JSON.stringify(now.pattern)}`);
  }
  if (Boolean(old.uniqueItems) !== Boolean(now.uniqueItems)) (now.uniqueItems ? tight : loose)(`uniqueItems ${now.uniqueItems ? "added" : "removed"}`);
  if (Boolean(old.nullable) !== Boolean(now.nullable)) (now.nullable ? loose : tight)(`nullable ${now.nullable ? "added" : "removed"}`);

  const rules = (c: Constraints) => new Map((c.rules ?? []).map((r) => [r.rule, r]));
  const oldRules = rules(old);
  const newRules = rules(now);
  for (const [text, r] of newRules) if (!oldRules.has(text)) tight(`new rule ${JSON.stringify(text)}`, !isTransitionRule(r));
  for (const text of oldRules.keys()) if (!newRules.has(text)) loose(`rule ${JSON.stringify(text)} removed`);

  for (const key of ["exactlyOneOf", "atMostOneOf", "atLeastOneOf"] as const) {
    const groups = (c: Constraints) => new Set((c[key] ?? []).map((g) => g.join(",")));
    const a = groups(old);
    const b = groups(now);
    for (const g of b) if (!a.has(g)) tight(`new @${key} ${g}`);
    for (const g of a) if (!b.has(g)) loose(`@${key} ${g} removed`);
  }
  return out;
}

/** A rule reading `oldSelf` judges the transition itself: upstream never ratchets it. */
export function isTransitionRule(r: ValidationRule): boolean {
  return /\boldSelf\b/.test(r.rule);
}

/** Canonical JSON, so `{a,b}` and `{b,a}` defaults compare equal. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const rec = v as Record<string, unknown>;
    return `{${Object.keys(rec)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(rec[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}
