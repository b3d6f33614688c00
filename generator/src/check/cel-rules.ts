/**
 * `@rule`s compiled as kube-apiserver compiles x-kubernetes-validations when
 * a CRD is installed (apiextensions-apiserver pkg/apis/apiextensions/
 * validation: cel_validation.go, validation.go; pkg/apiserver/schema/cel/
 * compilation.go), over each kind's structural schema:
 *
 * - each rule type-checks with `self` (and `oldSelf`) typed by the schema
 *   node it is on, and yields a bool;
 * - its estimated cost, times the number of times the node can occur in one
 *   object (the product of the maxItems/maxProperties above it, else as many
 *   as fit in a 3 MiB request), stays within StaticEstimatedCostLimit;
 * - the rules of one kind together stay within StaticEstimatedCRDCostLimit.
 *
 * Syntax and unknown variables were reported by the reader (read/cel.ts);
 * rules that do not parse are skipped here.
 */
import type { StructuralSchema } from "@skai-gen/runtime";
import { OLD_SELF, parseRule, SELF } from "@skai-gen/runtime/validation/cel-environment";
import { buildStructuralSchema } from "../model/structural-schema.js";
import type { ApiModel, Constraints, KindModel, SourceLocation, TypeNode, ValidationRule } from "../model/types.js";
import { CelTypeError, checkExpression, type Expr } from "./cel-checker.js";
import { estimateCost } from "./cel-cost-estimate.js";
import { MAX_REQUEST_SIZE_BYTES, schemaDeclType } from "./cel-decl.js";
import { T, typeName, type Type } from "./cel-types.js";
import type { DiagnosticBag } from "../model/diagnostic.js";

/** StaticEstimatedCostLimit: the largest estimated cost of one rule. */
const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
/** StaticEstimatedCRDCostLimit: the largest estimated cost of all the rules of one schema. */
const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;
const MAX_UINT64 = 2 ** 64;
/** kube names the type of `self` `selfType<n>`, with a number that changes with every update. */
const SELF_TYPE = "selfType";

const COST_HINT = "bound what the rule walks: @maxItems on lists, @maxProperties on maps and @maxLength on strings, on the field and on the lists and maps that contain it";

export function checkCelRules(model: ApiModel, diags: DiagnosticBag): void {
  for (const group of model.groups) {
    for (const version of group.versions) {
      for (const kind of version.kinds) {
        const schema = buildStructuralSchema(model, group.name, version.name, kind.name);
        new KindRules(model, diags, kind, `${kind.name} ${group.name}/${version.name}`).check(schema);
      }
    }
  }
}

/** Where the rules of a schema node were written: the model's rules for the node, and a place for generated ones. */
interface Origin {
  rules: ValidationRule[];
  at: SourceLocation;
  type?: TypeNode;
}

/** Where a schema node is: its path, how often it can occur in one object (undefined: unbounded), the list that makes oldSelf unusable in it. */
interface Place {
  isRoot: boolean;
  cardinality: number | undefined;
  path: string;
  uncorrelatable?: string;
}

interface RuleCost {
  at: SourceLocation;
  cost: number;
}

class KindRules {
  private total = 0;
  /** The four most expensive rules of at least 1% of the limit, as kube lists them. */
  private mostExpensive: RuleCost[] = [];

  constructor(
    private readonly model: ApiModel,
    private readonly diags: DiagnosticBag,
    private readonly kind: KindModel,
    private readonly label: string,
  ) {}

  check(root: StructuralSchema): void {
    this.visit(root, { rules: this.kind.rules, at: this.kind.source }, { isRoot: true, cardinality: 1, path: "" }, (name) => {
      if (name === "spec") return this.objectOrigin(this.kind.spec, {}, this.kind.source);
      if (name === "status" && this.kind.status) return this.objectOrigin(this.kind.status, {}, this.kind.source);
      return undefined;
    });
    if (this.total > STATIC_ESTIMATED_CRD_COST_LIMIT) {
      for (const r of this.mostExpensive) {
        this.diags.report(r.at, "cel-cost", "contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema", `${this.label}: ${COST_HINT}`);
      }
      this.diags.report(
        this.kind.source,
        "cel-cost",
        costMessage("x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema", this.total, STATIC_ESTIMATED_CRD_COST_LIMIT),
        `${this.label}: ${COST_HINT}`,
      );
    }
  }

  /** Checks the node's rules, then its children. */
  private visit(s: StructuralSchema, origin: Origin, place: Place, childOrigin: (property: string) => Origin | undefined): void {
    const rules = s["x-kubernetes-validations"] ?? [];
    if (rules.length) this.checkRules(s, origin, place, rules);
    const cardinality = place.cardinality === undefined ? undefined : times(place.cardinality, maxElements(s));
    const child = (path: string, uncorrelatable = place.uncorrelatable): Place => ({ isRoot: false, cardinality, path, uncorrelatable });
    for (const [name, ps] of Object.entries(s.properties ?? {})) {
      const o = childOrigin(name) ?? { rules: [], at: origin.at };
      this.visit(ps, o, child(`${place.path}.${name}`), this.childrenOf(o));
    }
    const t = origin.type;
    if (s.items) {
      const o = t?.kind === "array" ? this.origin(t.items, t.itemConstraints, origin.at) : { rules: [], at: origin.at };
      // Only the items of `listType: map` lists are matched with the stored ones.
      const uncorrelatable = place.uncorrelatable ?? (s["x-kubernetes-list-type"] === "map" ? undefined : place.path);
      this.visit(s.items, o, child(`${place.path}[*]`, uncorrelatable), this.childrenOf(o));
    }
    if (typeof s.additionalProperties === "object") {
      const o = t?.kind === "map" ? this.origin(t.values, t.valueConstraints, origin.at) : { rules: [], at: origin.at };
      this.visit(s.additionalProperties, o, child(`${place.path}[*]`), this.childrenOf(o));
    }
  }

  private childrenOf(o: Origin): (property: string) => Origin | undefined {
    const t = o.type;
    if (t?.kind !== "object") return () => undefined;
    const fields = this.model.types[t.ref]?.fields ?? [];
    return (name) => {
      const f = fields.find((x) => x.name === name);
      return f && this.origin(f.type, f.constraints, f.source);
    };
  }

  private origin(t: TypeNode, c: Constraints | undefined, at: SourceLocation): Origin {
    if (t.kind === "object") return this.objectOrigin(t.ref, c ?? {}, at);
    return { rules: [...(c?.rules ?? [])], at, type: t };
  }

  /** An object's rules: its type's, then the field's (as the schema builder stacks them). */
  private objectOrigin(ref: string, fieldConstraints: Constraints, at: SourceLocation): Origin {
    const typeRules = this.model.types[ref]?.constraints.rules ?? [];
    return { rules: [...typeRules, ...(fieldConstraints.rules ?? [])], at, type: { kind: "object", ref } };
  }

  private checkRules(s: StructuralSchema, origin: Origin, place: Place, rules: NonNullable<StructuralSchema["x-kubernetes-validations"]>): void {
    const decl = schemaDeclType(s, place.isRoot || !!s["x-kubernetes-embedded-resource"], SELF_TYPE);
    if (!decl) return;
    // With optionalOldSelf, oldSelf is optional(T): optional.none() on create.
    const variablesOf = (rule: { optionalOldSelf?: boolean }) =>
      new Map([
        [SELF, decl.type],
        [OLD_SELF, rule.optionalOldSelf ? T.optional(decl.type) : decl.type],
      ]);
    const unclaimed = [...origin.rules];
    for (const rule of rules) {
      // Rules the reader made (unions) have no tag of their own: their cost is reported at the node.
      const i = unclaimed.findIndex((r) => r.rule === rule.rule);
      const written = i >= 0 ? unclaimed.splice(i, 1)[0] : undefined;
      const tag = written?.source ?? origin.at;
      let expr: Expr;
      try {
        expr = parseRule(rule.rule).expr as unknown as Expr;
      } catch {
        continue;
      }
      let checked;
      try {
        checked = checkExpression(expr, variablesOf(rule));
      } catch (e) {
        // A checker without an answer (a construct it does not know) must not block generation: the server still judges the rule.
        if (!(e instanceof CelTypeError)) continue;
        // A rule the reader made from a union tag fails only where that tag names a missing field, reported by its own check.
        if (!written) continue;
        const offset = positionOf(rule.rule, e.id);
        this.diags.report(this.at(tag, rule.rule, offset), "invalid-cel", `@rule does not compile: ${e.message}`, typeHint(rule.rule, decl.type));
        continue;
      }
      if (checked.type.kind !== "bool") {
        this.diags.report(tag, "invalid-cel", `@rule does not compile: cel expression must evaluate to a bool, this one is ${typeName(checked.type)}`, "a rule is a condition the value must meet, e.g. self.size() <= 10");
        continue;
      }
      const maxCost = estimateCost(expr, checked, decl);
      if (checked.usesOldSelf && place.uncorrelatable !== undefined) {
        this.diags.report(
          tag,
          "invalid-cel",
          `@rule uses oldSelf where old and new values cannot be matched: oldSelf cannot be used on the uncorrelatable portion of the schema within ${place.uncorrelatable}`,
          `the items of ${place.uncorrelatable} are matched with the stored ones only in a @listType map list (with @listMapKey); else put the rule on the list itself`,
        );
      }
      const n = place.cardinality ?? Math.floor(MAX_REQUEST_SIZE_BYTES / (decl.minSerializedSize + 1));
      const cost = maxCost === 0 ? 0 : Math.min(MAX_UINT64, maxCost * n);
      if (cost > STATIC_ESTIMATED_COST_LIMIT) {
        this.diags.report(tag, "cel-cost", costMessage("estimated rule cost", cost, STATIC_ESTIMATED_COST_LIMIT), `${this.label}: ${COST_HINT}`);
      }
      this.observe(tag, cost);
    }
  }

  private observe(at: SourceLocation, cost: number): void {
    this.total = Math.min(MAX_UINT64, this.total + cost);
    if (cost < STATIC_ESTIMATED_CRD_COST_LIMIT / 100) return;
    this.mostExpensive.push({ at, cost });
    this.mostExpensive.sort((a, b) => b.cost - a.cost);
    this.mostExpensive = this.mostExpensive.slice(0, 4);
  }

  /** The place of `offset` in the rule, when the rule is written on its tag's line; else the tag. */
  private at(tag: SourceLocation, rule: string, offset: number): SourceLocation {
    const line = this.diags.sources.line(tag.file, tag.line);
    const start = line.indexOf(rule, tag.column - 1);
    if (start < 0 || rule.slice(0, offset).includes("\n")) return tag;
    return { ...tag, column: start + offset + 1 };
  }
}

/** How many times the children of `s` can occur per occurrence of `s` (extractMaxElements); undefined when unbounded. */
function maxElements(s: StructuralSchema): number | undefined {
  if (s.type === "array") return s.maxItems !== undefined ? Math.max(0, s.maxItems) : undefined;
  if (s.type === "object" && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    return s.maxProperties !== undefined ? Math.max(0, s.maxProperties) : undefined;
  }
  return 1;
}

function times(a: number, b: number | undefined): number | undefined {
  return b === undefined ? undefined : Math.min(MAX_UINT64, a * b);
}

/** The offset of a node in the rule's text, from the parser's source positions. */
function positionOf(rule: string, id: bigint): number {
  const positions = (parseRule(rule).sourceInfo?.positions ?? {}) as Record<string, number>;
  return positions[String(id)] ?? 0;
}

function typeHint(rule: string, self: Type): string {
  if (/\b(semver|isSemver|reverse)\s*\(/.test(rule) || /\b(math|lists|base64|encoders)\./.test(rule)) {
    return "the server runs what a 1.32 kube-apiserver offers CRD rules: CEL's standard library, the strings (v2) and sets extensions, optionals, and Kubernetes' regex, lists, urls, quantity, ip, cidr and format libraries; semver and math came later";
  }
  const shown = self.kind === "object" ? `an object with ${self.fields.size ? `fields ${[...self.fields.keys()].join(", ")}` : "no fields rules can see"}` : typeName(self);
  return `here \`self\` is ${shown} (kube types integer as int, number as double, date-time as timestamp, int-or-string as dyn)`;
}

/** getCostErrorMessage, with Go's %f and %.1f. */
export function costMessage(what: string, cost: number, limit: number): string {
  const factor = cost / limit;
  const shown = factor > 100 ? "more than 100x" : factor < 1.5 ? `${factor.toFixed(6)}x` : `${factor.toFixed(1)}x`;
  return `${what} exceeds budget by factor of ${shown} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}
