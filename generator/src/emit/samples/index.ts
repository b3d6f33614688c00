/**
 * A sample object of a kind, synthesized from its schema for the generated
 * smoke test: required fields only (defaults left out, as the server fills
 * them), each value the simplest that passes its checks: an enum's first
 * value, numbers within bounds, strings that match their pattern, format and
 * length, as many items as minItems asks, one member of each exactlyOneOf.
 * A field's or type's `@example` is taken as given: it is how a user steers
 * a sample the synthesis cannot find. CEL rules are evaluated on each
 * candidate where they can be (rules.ts); when no candidate passes, the kind
 * has no sample and the reason says which field and what to add.
 */
import type { ApiModel, Constraints, KindModel, ObjectType, TypeNode } from "../../model/types.js";
import { unionRules } from "../../model/union-rules.js";
import { rulesHold, type RuleInput } from "./rules.js";
import { matchesPattern, stringCandidates } from "./strings.js";

export type Sample = { ok: true; object: Record<string, unknown> } | { ok: false; reason: string };

/** Deeper than any sensible schema; a recursive type whose recursion is required ends here. */
const MAX_DEPTH = 24;

class NoSample extends Error {}

/** The sample `<kind>` of `<group>/<version>` named `name` (in `namespace` when namespaced). */
export function sampleObject(model: ApiModel, group: string, version: string, kind: KindModel, name: string, namespace?: string): Sample {
  const sampler = new Sampler(model);
  try {
    const spec = sampler.object(kind.spec, "spec", 0);
    const object = {
      apiVersion: `${group}/${version}`,
      kind: kind.name,
      metadata: { name, ...(kind.scope === "Namespaced" && namespace ? { namespace } : {}) },
      spec: spec.value,
    };
    const failed = rulesHold(kind.rules, { ...object, spec: spec.defaulted } as RuleInput);
    if (failed) throw new NoSample(`the kind's rule \`${failed}\` does not hold for the sample; give spec's fields an @example`);
    return { ok: true, object };
  } catch (err) {
    if (err instanceof NoSample) return { ok: false, reason: err.message };
    throw err;
  }
}

/** A value, and the value as the server sees it after defaulting (what rules are evaluated on). */
interface Built {
  value: unknown;
  defaulted: unknown;
}

class Sampler {
  /** Each type's sample (or why there is none), found once: rules make the search retry field sets. */
  private readonly objects = new Map<string, Built | NoSample>();

  constructor(private readonly model: ApiModel) {}

  object(ref: string, at: string, depth: number): Built {
    let found = this.objects.get(ref);
    if (!found) {
      try {
        found = this.search(ref, at, depth);
      } catch (err) {
        if (!(err instanceof NoSample)) throw err;
        found = err;
      }
      this.objects.set(ref, found);
    }
    if (found instanceof NoSample) throw found;
    return found;
  }

  private search(ref: string, at: string, depth: number): Built {
    const t = this.model.types[ref];
    if (!t) throw new NoSample(`${at}: type ${ref} is not in the model`);
    if (t.constraints.example !== undefined) return this.given(t.constraints.example, t, ref);
    if (depth > MAX_DEPTH) throw new NoSample(`${at}: the type ${t.name} requires itself; give it an @example`);

    const required = new Set(t.fields.filter((f) => f.required && f.constraints.default === undefined).map((f) => f.name));
    // One member of each group that needs one, unless a required field already is.
    for (const group of [...(t.constraints.exactlyOneOf ?? []), ...(t.constraints.atLeastOneOf ?? [])])
      if (!group.some((f) => required.has(f)) && group[0]) required.add(group[0]);
    const optional = t.fields.filter((f) => !required.has(f.name)).map((f) => f.name);
    const minProps = t.constraints.minProperties ?? 0;
    while (required.size < minProps && optional.length) required.add(optional.shift()!);

    // Candidate field sets: the required ones, then with one optional field more, then with all.
    const sets = [[...required], ...optional.map((f) => [...required, f]), [...required, ...optional]];
    const rules = [...(t.constraints.rules ?? []), ...unionRules(t.constraints)];
    let lastFailure = "";
    for (const names of sets) {
      let choices: Map<string, Built[]>;
      try {
        choices = new Map(t.fields.filter((f) => names.includes(f.name)).map((f) => [f.name, this.values(f.type, f.constraints, `${at}.${f.name}`, depth + 1)]));
      } catch (err) {
        // An optional field with no sample only rules out the sets that include it.
        if (err instanceof NoSample && names.length > required.size) continue;
        throw err;
      }
      // Each field's first value, then one field at a time through its other values (rules relate a few fields).
      const picks: Array<Map<string, Built>> = [new Map([...choices].map(([k, v]) => [k, v[0]!]))];
      for (const [name, values] of choices) for (const alt of values.slice(1)) picks.push(new Map([...picks[0]!, [name, alt]]));
      for (const pick of picks) {
        const built = this.assemble(t, pick);
        const failed = rulesHold(rules, built.defaulted as RuleInput);
        if (!failed) return built;
        lastFailure = failed;
      }
    }
    throw new NoSample(`${at}: no sample of ${t.name} passes its rule \`${lastFailure}\`; give ${t.name} or its fields an @example`);
  }

  /** The object of the picked values, and as defaulting leaves it. */
  private assemble(t: ObjectType, pick: Map<string, Built>): Built {
    const value: Record<string, unknown> = {};
    const defaulted: Record<string, unknown> = {};
    for (const f of t.fields) {
      const b = pick.get(f.name);
      if (b) {
        value[f.name] = b.value;
        defaulted[f.name] = b.defaulted;
      } else if (f.constraints.default !== undefined) defaulted[f.name] = f.constraints.default;
    }
    return { value, defaulted };
  }

  /** The values a field may take, best first, each passing the field's own rules; NoSample when there is none. */
  values(type: TypeNode, c: Constraints, at: string, depth: number): Built[] {
    if (c.example !== undefined) return [{ value: c.example, defaulted: c.example }];
    const rules = (c.rules ?? []).filter((r) => !/\boldSelf\b/.test(r.rule));
    const passing: Built[] = [];
    let lastFailure = "";
    for (const candidate of this.candidates(type, c, at, depth)) {
      const failed = rulesHold(rules, candidate.defaulted as RuleInput, type);
      if (failed) lastFailure = failed;
      else passing.push(candidate);
    }
    if (passing.length) return passing;
    if (lastFailure) throw new NoSample(`${at}: no sample passes the rule \`${lastFailure}\`; give the field an @example`);
    throw new NoSample(`${at}: ${this.why(type, c)}; give the field an @example`);
  }

  private candidates(type: TypeNode, c: Constraints, at: string, depth: number): Built[] {
    const plain = (values: unknown[]): Built[] => values.map((v) => ({ value: v, defaulted: v }));
    switch (type.kind) {
      case "string":
        return plain(this.strings(c, type.format));
      case "enum":
        return plain(type.values);
      case "boolean":
        return plain([false, true]);
      case "integer":
      case "number":
        return plain(numbers(c, type.kind === "integer"));
      case "intOrString":
        return plain(type.quantity ? ["1", 1] : [1, "1"]);
      case "time":
        return plain([type.micro ? "2024-01-01T00:00:00.000000Z" : "2024-01-01T00:00:00Z"]);
      case "unknown":
        return plain([{}]);
      case "object":
        return [this.object(type.ref, at, depth)];
      case "array":
        return this.arrays(type.items, type.itemConstraints ?? {}, c, at, depth);
      case "map": {
        const n = c.minProperties ?? 0;
        const entries = Array.from({ length: n }, (_, i) => [`key${i + 1}`, this.values(type.values, type.valueConstraints ?? {}, `${at}[key${i + 1}]`, depth + 1)[0]!] as const);
        return [
          {
            value: Object.fromEntries(entries.map(([k, b]) => [k, b.value])),
            defaulted: Object.fromEntries(entries.map(([k, b]) => [k, b.defaulted])),
          },
        ];
      }
    }
  }

  private arrays(items: TypeNode, itemC: Constraints, c: Constraints, at: string, depth: number): Built[] {
    const n = c.minItems ?? 0;
    if (n === 0) return [{ value: [], defaulted: [] }];
    const unique = c.uniqueItems || c.listType === "set" || c.listType === "map";
    if (!unique || n === 1) {
      const item = this.values(items, itemC, `${at}[0]`, depth + 1)[0]!;
      return [{ value: Array(n).fill(item.value), defaulted: Array(n).fill(item.defaulted) }];
    }
    // Distinct items: distinct scalars are easy; distinct objects need the user's example.
    if (items.kind === "object" || items.kind === "array" || items.kind === "map")
      throw new NoSample(`${at}: needs ${n} distinct items; give the field an @example`);
    const distinct = this.values(items, itemC, `${at}[0]`, depth + 1);
    if (distinct.length < n) throw new NoSample(`${at}: needs ${n} distinct items; give the field an @example`);
    const chosen = distinct.slice(0, n);
    return [{ value: chosen.map((b) => b.value), defaulted: chosen.map((b) => b.defaulted) }];
  }

  private strings(c: Constraints, typeFormat: string | undefined): string[] {
    const format = c.format ?? typeFormat;
    const all = stringCandidates({ ...c, format });
    return c.pattern ? all.filter((s) => matchesPattern(c.pattern!, s)) : all;
  }

  private why(type: TypeNode, c: Constraints): string {
    if (type.kind === "string" && c.pattern) return `cannot make a string matching ${c.pattern}${c.minLength !== undefined || c.maxLength !== undefined ? " within its length bounds" : ""}`;
    if (type.kind === "string") return "cannot make a string within its length bounds";
    if (type.kind === "integer" || type.kind === "number") return "cannot make a number within its bounds";
    return `no value of ${type.kind} satisfies its constraints`;
  }

  private given(example: unknown, t: ObjectType, ref: string): Built {
    if (typeof example !== "object" || example === null) throw new NoSample(`${ref}: the @example of ${t.name} is not an object`);
    return { value: example, defaulted: example };
  }
}

/** Numbers within the bounds, small and round first. */
function numbers(c: Constraints, integer: boolean): number[] {
  const { minimum: min, maximum: max, multipleOf } = c;
  const unit = integer ? 1 : 0.5;
  const lo = min === undefined ? undefined : c.exclusiveMinimum ? min + unit : min;
  const hi = max === undefined ? undefined : c.exclusiveMaximum ? max - unit : max;
  const mid = min !== undefined && max !== undefined ? (min + max) / 2 : undefined;
  // toPrecision drops binary noise (3 * 0.1), which a server's multipleOf check may not forgive.
  const snap = (v: number) => (multipleOf ? Number((Math.ceil(v / multipleOf) * multipleOf).toPrecision(12)) : integer ? Math.ceil(v) : v);
  const raw = [1, 0, lo, hi, mid, 10, 100].filter((v): v is number => v !== undefined).map(snap);
  return [...new Set(raw)].filter((v) => {
    if (min !== undefined && (c.exclusiveMinimum ? v <= min : v < min)) return false;
    if (max !== undefined && (c.exclusiveMaximum ? v >= max : v > max)) return false;
    if (multipleOf && Math.abs(v / multipleOf - Math.round(v / multipleOf)) > 1e-9) return false;
    return !integer || Number.isInteger(v);
  });
}
