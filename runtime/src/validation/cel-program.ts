/**
 * CEL programs for x-kubernetes-validations rules: the environment
 * (@bufbuild/cel with the string extensions and Kubernetes' library), each
 * expression parsed and planned once per process (cached by its text, never
 * per request) and metered (cel-metering.ts), and the conversion of JSON
 * values to CEL values typed by the schema.
 */
import { celEnv, celList, celMap, isCelError, type CelInput } from "@bufbuild/cel";
import type { StructuralSchema } from "../api/resource.js";
import { accumulatorFuncs } from "./cel-accumulator.js";
import { RULE_FUNCTIONS } from "./cel-environment.js";
import { parseRule } from "./cel-syntax.js";
import { meteredEnv, planMetered, type Program } from "./cel-metering.js";

export type { Program } from "./cel-metering.js";

const env = celEnv({ funcs: [...RULE_FUNCTIONS, ...accumulatorFuncs] });
const metered = meteredEnv(env);
const programs = new Map<string, Program | Error>();

/** The planned program for an expression, from the cache; an Error when it does not parse. */
export function compileCel(expr: string): Program | Error {
  let p = programs.get(expr);
  if (!p) {
    try {
      p = planMetered(env, metered, parseRule(expr).expr);
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
 * Objects and arrays become CEL maps and lists here, once: @bufbuild/cel
 * converts a plain object again at every access (`self` in a comprehension
 * over a map would copy the map at each step, quadratic in its size).
 */
export function toCel(v: unknown, s: StructuralSchema | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") {
    if (s?.type === "number") return v;
    return Number.isInteger(v) ? BigInt(v) : v;
  }
  if (typeof v === "string" && s?.type === "string" && s.format) return typedString(v, s.format);
  if (Array.isArray(v)) return celList(v.map((x) => toCel(x, s?.items) as CelInput));
  if (typeof v === "object") {
    const additional = s && typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
    const out = new Map<string, CelInput>();
    for (const [k, x] of Object.entries(v)) out.set(k, toCel(x, s?.properties?.[k] ?? additional) as CelInput);
    return celMap(out);
  }
  return v;
}
