/**
 * The schema half of the comparison: a kind's object types, field by field,
 * down to list semantics, defaults and validation. Each pair of types is
 * walked once per version, so a type shared by several kinds reports once.
 */
import type { ApiModel, Constraints, Field, ObjectType, SourceLocation, TypeNode } from "../model/types.js";
import { sameValue, validationChanges } from "./constraints.js";
import type { FindingScope } from "./findings.js";
import type { CompatRule } from "../model/compat-rules.js";

export interface SchemaSink {
  add(rule: CompatRule, at: SourceLocation, subject: string, message: string, scope: FindingScope, ratcheted?: boolean): void;
  /** Records where a new type was first reached (its kind, its scope), for the protobuf numbers. */
  reached(typeId: string, subject: string, scope: FindingScope): void;
}

export class SchemaComparison {
  private readonly seen = new Set<string>();
  /** The kind being walked (`shop.example.com/v1 Widget`), for the findings' subjects. */
  kind = "";

  constructor(
    private readonly old: ApiModel,
    private readonly now: ApiModel,
    private readonly sink: SchemaSink,
    /** Distinguishes versions, so a type shared across versions is judged in each. */
    private readonly unit: string,
    private readonly kubernetesTypesByName = false,
  ) {}

  private report(rule: CompatRule, at: SourceLocation, path: string, message: string, scope: FindingScope, ratcheted = false): void {
    this.sink.add(rule, at, this.kind || path, message, scope, ratcheted);
  }

  objects(oldId: string, newId: string, path: string, scope: FindingScope): void {
    const a = this.old.types[oldId];
    const b = this.now.types[newId];
    if (!a || !b) return;
    if (this.kubernetesTypesByName && oldId === newId && b.origin === "kubernetes") return;
    const key = `${this.unit}|${oldId}|${newId}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const inType: FindingScope = { ...scope, acks: [...scope.acks, ...(b.breakingChanges ?? [])] };
    this.sink.reached(newId, this.kind, inType);
    for (const f of a.fields) {
      const g = b.fields.find((x) => x.name === f.name);
      if (g) this.field(f, g, `${path}.${f.name}`, inType);
      else this.report("removed-field", b.source, `${path}.${f.name}`, `field ${path}.${f.name} was removed (it was at ${where(f.source)})`, inType);
    }
    for (const g of b.fields) {
      if (a.fields.some((x) => x.name === g.name)) continue;
      const fieldScope = withAcks(inType, g);
      if (g.required && g.constraints.default === undefined)
        this.report("new-required-field", g.source, `${path}.${g.name}`, `new field ${path}.${g.name} is required and has no default: requests from existing clients lack it`, fieldScope);
      else this.report("field-added", g.source, `${path}.${g.name}`, `new optional field ${path}.${g.name}`, fieldScope);
    }
    this.validation(a.constraints, b.constraints, b.source, path || ".", inType);
  }

  private field(a: Field, b: Field, path: string, scope: FindingScope): void {
    const inField = withAcks(scope, b);
    if (!a.required && b.required && b.constraints.default === undefined)
      this.report("became-required", b.source, path, `field ${path} became required: existing clients may omit it`, inField);
    if (a.required && !b.required) this.report("became-optional", b.source, path, `field ${path} became optional`, inField);
    this.value(a.type, a.constraints, b.type, b.constraints, path, b.source, inField);
  }

  /** One value's type and constraints (a field, a list's items, a map's values). */
  value(a: TypeNode, ac: Constraints, b: TypeNode, bc: Constraints, path: string, at: SourceLocation, scope: FindingScope): void {
    const add = (rule: CompatRule, message: string, ratcheted = false) => this.report(rule, at, path, message, scope, ratcheted);
    if (!sameValue(ac.default, bc.default)) {
      const show = (v: unknown) => (v === undefined ? "none" : JSON.stringify(v));
      add("default-changed", `the default of ${path} changed from ${show(ac.default)} to ${show(bc.default)}: clients that omit it get another value`);
    }
    const fa = formatOf(a, ac);
    const fb = formatOf(b, bc);
    if (a.kind !== b.kind) {
      if (a.kind === "enum" && b.kind === "string" && !fb) add("validation-loosened", `${path} accepts any string (it was ${describe(a)})`);
      else add("type-changed", `the type of ${path} changed from ${describe(a)} to ${describe(b)}`);
      return; // below a changed type, the details are noise
    }
    if (fa !== fb) add("type-changed", `the format of ${path} changed from ${fa ?? "none"} to ${fb ?? "none"}`);
    if (Boolean(ac.preserveUnknownFields) !== Boolean(bc.preserveUnknownFields)) {
      if (bc.preserveUnknownFields) add("validation-loosened", `${path} keeps unknown fields`);
      else add("type-changed", `${path} no longer keeps unknown fields: the server prunes what clients store there`);
    }
    if (Boolean(ac.embeddedResource) !== Boolean(bc.embeddedResource)) add("type-changed", `${path} ${bc.embeddedResource ? "became" : "is no longer"} an embedded resource`);
    switch (a.kind) {
      case "enum": {
        const values = (b as typeof a).values;
        for (const v of a.values) if (!values.includes(v)) add("enum-value-removed", `${path} no longer accepts ${JSON.stringify(v)}`);
        for (const v of values) if (!a.values.includes(v)) add("enum-value-added", `${path} accepts the new value ${JSON.stringify(v)}`);
        break;
      }
      case "intOrString": {
        const q = (b as typeof a).quantity;
        if (a.quantity !== q) add(q ? "validation-tightened" : "validation-loosened", `${path} ${q ? "must now be" : "is no longer checked as"} a quantity`, q);
        break;
      }
      case "time":
        if (a.micro !== (b as typeof a).micro) add("type-changed", `${path} changed from ${describe(a)} to ${describe(b)}`);
        break;
      case "array": {
        const bb = b as typeof a;
        const la = ac.listType ?? "atomic";
        const lb = bc.listType ?? "atomic";
        if (la !== lb) add("list-type-changed", `the list type of ${path} changed from ${la} to ${lb}: server-side apply merges it differently`);
        else if (la === "map" && (ac.listMapKeys ?? []).join(",") !== (bc.listMapKeys ?? []).join(","))
          add("list-map-keys-changed", `the map keys of list ${path} changed from ${keys(ac.listMapKeys)} to ${keys(bc.listMapKeys)}`);
        this.value(a.items, a.itemConstraints ?? {}, bb.items, bb.itemConstraints ?? {}, `${path}[*]`, at, scope);
        break;
      }
      case "map": {
        const bb = b as typeof a;
        this.value(a.values, a.valueConstraints ?? {}, bb.values, bb.valueConstraints ?? {}, `${path}[*]`, at, scope);
        break;
      }
      case "object":
        this.objects(a.ref, (b as typeof a).ref, path, scope);
        break;
    }
    this.validation(ac, bc, at, path, scope);
  }

  private validation(a: Constraints, b: Constraints, at: SourceLocation, path: string, scope: FindingScope): void {
    for (const c of validationChanges(a, b)) {
      if (!c.tightened) this.report("validation-loosened", at, path, `${path}: ${c.message}`, scope);
      else if (c.ratcheted)
        this.report("validation-tightened", at, path, `${path}: ${c.message} (ratcheted: stored values keep working; new values must satisfy it)`, scope, true);
      else this.report("validation-tightened", at, path, `${path}: ${c.message}: a transition rule is not ratcheted, so updates of stored objects may fail`, scope);
    }
  }
}

export function withAcks(scope: FindingScope, node: { breakingChanges?: ObjectType["breakingChanges"] }): FindingScope {
  return node.breakingChanges ? { ...scope, acks: [...scope.acks, ...node.breakingChanges] } : scope;
}

export function where(s: SourceLocation): string {
  return `${s.file}:${s.line}`;
}

function formatOf(t: TypeNode, c: Constraints): string | undefined {
  if (t.kind === "string") return t.format ?? c.format;
  if (t.kind === "integer" || t.kind === "number") return t.format;
  return c.format;
}

function keys(k: string[] | undefined): string {
  return k && k.length ? k.join(",") : "none";
}

function describe(t: TypeNode): string {
  switch (t.kind) {
    case "enum":
      return `enum ${t.values.map((v) => JSON.stringify(v)).join(" | ")}`;
    case "integer":
    case "number":
      return `${t.kind} (${t.format})`;
    case "intOrString":
      return t.quantity ? "quantity" : "int-or-string";
    case "time":
      return t.micro ? "MicroTime" : "Time";
    case "array":
      return `list of ${describe(t.items)}`;
    case "map":
      return `map of ${describe(t.values)}`;
    case "object":
      return `object ${t.ref.split(".").pop()}`;
    default:
      return t.kind;
  }
}
