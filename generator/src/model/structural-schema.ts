/**
 * Builds a kind's Kubernetes structural schema (the CRD OpenAPI v3 subset) from
 * the API model: every named type inlined, no $ref, every node typed except the
 * ones Kubernetes itself leaves untyped (int-or-string). The schemas emitter
 * prints it, the validators emitter compiles it, the OpenAPI and server
 * emitters reuse it and the CEL checks type rules against it, so all of them
 * agree on one shape; it lives with the model because every step reads it.
 */
import type { StructuralSchema } from "@skai-gen/runtime";
import type { ApiModel, Constraints, Field, KindModel, ObjectType, TypeNode, ValidationRule } from "./types.js";
import { unionRules } from "./union-rules.js";

/** Kubernetes' resource.Quantity pattern, as controller-gen and the apiextensions docs spell it. */
export const QUANTITY_PATTERN =
  "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

type Validation = NonNullable<StructuralSchema["x-kubernetes-validations"]>[number];

/** Finds a kind of a group-version, or throws: callers pass names taken from the model. */
function findKind(model: ApiModel, group: string, version: string, kind: string): KindModel {
  const k = model.groups
    .find((g) => g.name === group)
    ?.versions.find((v) => v.name === version)
    ?.kinds.find((x) => x.name === kind);
  if (!k) throw new Error(`internal error: no kind ${group}/${version} ${kind} in the model`);
  return k;
}

/** The whole object's schema: apiVersion, kind, metadata, spec and status. */
export function buildStructuralSchema(model: ApiModel, group: string, version: string, kind: string): StructuralSchema {
  const k = findKind(model, group, version, kind);
  const b = new SchemaBuilder(model);
  const properties: Record<string, StructuralSchema> = {
    apiVersion: {
      type: "string",
      description:
        "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
    },
    kind: {
      type: "string",
      description:
        "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
    },
    // Kubernetes validates ObjectMeta itself; CRD schemas only say it is an object.
    metadata: { type: "object" },
    spec: b.objectRef(k.spec, undefined, {}),
  };
  if (k.status) properties.status = b.objectRef(k.status, undefined, {});
  const schema: StructuralSchema = { type: "object" };
  if (k.description) schema.description = k.description;
  schema.properties = properties;
  schema.required = ["spec"];
  const rules = k.rules.map(toValidation);
  if (rules.length) schema["x-kubernetes-validations"] = rules;
  return schema;
}

class SchemaBuilder {
  /** Types being inlined right now, to cut recursive types (never in SKAI, possible upstream). */
  private readonly inProgress = new Set<string>();

  constructor(private readonly model: ApiModel) {}

  field(f: Field): StructuralSchema {
    return this.node(f.type, f.constraints, f.description);
  }

  node(t: TypeNode, c: Constraints | undefined, description: string | undefined): StructuralSchema {
    if (t.kind === "object") return this.objectRef(t.ref, description, c ?? {});
    const s: StructuralSchema = {};
    switch (t.kind) {
      case "string":
        s.type = "string";
        if (t.format) s.format = t.format;
        break;
      case "enum":
        s.type = "string";
        s.enum = [...t.values];
        break;
      case "boolean":
        s.type = "boolean";
        break;
      case "number":
        s.type = "number";
        s.format = t.format;
        break;
      case "integer":
        s.type = "integer";
        s.format = t.format;
        break;
      case "intOrString":
        // Untyped on purpose: the one exception structural schemas allow.
        s["x-kubernetes-int-or-string"] = true;
        s.anyOf = [{ type: "integer" }, { type: "string" }];
        // Pattern beside anyOf (as controller-gen writes it): it only constrains strings,
        // and a mismatch is reported at the field itself rather than as an anyOf failure.
        if (t.quantity) s.pattern = QUANTITY_PATTERN;
        break;
      case "time":
        s.type = "string";
        s.format = "date-time";
        break;
      case "array":
        s.type = "array";
        s.items = this.node(t.items, t.itemConstraints, undefined);
        break;
      case "map":
        s.type = "object";
        s.additionalProperties = this.node(t.values, t.valueConstraints, undefined);
        break;
      case "unknown":
        s.type = "object";
        s["x-kubernetes-preserve-unknown-fields"] = true;
        break;
    }
    if (description) s.description = description;
    applyConstraints(s, c ?? {}, t);
    return order(s);
  }

  objectRef(ref: string, description: string | undefined, fieldConstraints: Constraints): StructuralSchema {
    const type: ObjectType | undefined = this.model.types[ref];
    if (!type) throw new Error(`internal error: type ${ref} is referenced but not in the model`);
    const s: StructuralSchema = { type: "object" };
    const desc = description || type.description;
    if (desc) s.description = desc;
    if (this.inProgress.has(ref)) {
      // A recursive type cannot be inlined; keep its values rather than prune them.
      s["x-kubernetes-preserve-unknown-fields"] = true;
      return s;
    }
    this.inProgress.add(ref);
    try {
      if (type.fields.length) {
        s.properties = {};
        for (const f of type.fields) s.properties[f.name] = this.field(f);
        const required = type.fields.filter((f) => f.required).map((f) => f.name);
        if (required.length) s.required = required;
      }
    } finally {
      this.inProgress.delete(ref);
    }
    // Type-level constraints (rules, unions, ...) first, then the field's own on top.
    applyConstraints(s, type.constraints, { kind: "object", ref });
    applyConstraints(s, fieldConstraints, { kind: "object", ref });
    return order(s);
  }
}

function applyConstraints(s: StructuralSchema, c: Constraints, t: TypeNode): void {
  const copy = <K extends keyof Constraints & keyof StructuralSchema>(k: K) => {
    if (c[k] !== undefined) (s as Record<string, unknown>)[k] = structuredClone(c[k]);
  };
  copy("minimum");
  copy("maximum");
  if (c.exclusiveMinimum) s.exclusiveMinimum = true;
  if (c.exclusiveMaximum) s.exclusiveMaximum = true;
  copy("multipleOf");
  copy("minLength");
  copy("maxLength");
  copy("pattern");
  copy("format");
  copy("minItems");
  copy("maxItems");
  if (c.uniqueItems) s.uniqueItems = true;
  copy("minProperties");
  copy("maxProperties");
  copy("default");
  if (c.nullable) s.nullable = true;
  if (c.listType) s["x-kubernetes-list-type"] = c.listType;
  if (c.listMapKeys?.length) s["x-kubernetes-list-map-keys"] = [...c.listMapKeys];
  // Kubernetes has one extension for both maps and structs.
  const mapType = t.kind === "object" ? c.structType ?? c.mapType : c.mapType;
  if (mapType) s["x-kubernetes-map-type"] = mapType;
  if (c.preserveUnknownFields) s["x-kubernetes-preserve-unknown-fields"] = true;
  if (c.embeddedResource) s["x-kubernetes-embedded-resource"] = true;
  const rules = [...(c.rules ?? []).map(toValidation), ...unionRules(c)];
  if (rules.length) s["x-kubernetes-validations"] = [...(s["x-kubernetes-validations"] ?? []), ...rules];
}

/** A `@rule` as an `x-kubernetes-validations` entry (the OpenAPI documents print the same). */
export function toValidation(r: ValidationRule): Validation {
  const v: Validation = { rule: r.rule };
  if (r.message) v.message = r.message;
  if (r.reason) v.reason = r.reason;
  if (r.fieldPath) v.fieldPath = r.fieldPath;
  if (r.optionalOldSelf) v.optionalOldSelf = true;
  return v;
}

/** Keys in the order Kubernetes prints them, so generated schemas diff well. */
const KEY_ORDER = [
  "description", "type", "format", "enum", "default", "nullable",
  "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf",
  "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
  "minProperties", "maxProperties", "anyOf", "items", "properties", "additionalProperties", "required",
];

function order(s: StructuralSchema): StructuralSchema {
  const out: Record<string, unknown> = {};
  for (const k of KEY_ORDER) if (k in s) out[k] = (s as Record<string, unknown>)[k];
  for (const k of Object.keys(s).sort()) if (!(k in out)) out[k] = (s as Record<string, unknown>)[k];
  return out as StructuralSchema;
}
