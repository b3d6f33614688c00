/**
 * Model -> OpenAPI v3 component schemas, one per named type, joined by `$ref`
 * (unlike the CRD-style structural schema, which inlines everything). The v2
 * writer derives its definitions from these.
 */
import { toValidation } from "../../model/structural-schema.js";
import type { ApiModel, Constraints, Field, KindModel, ObjectType, TypeNode } from "../../model/types.js";
import { unionRules } from "../../model/union-rules.js";
import { ref, refTarget, refWith, type Gvk, type JsonSchema } from "./json-schema.js";
import { kindDefinition } from "./naming.js";

const META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
const OBJECT_META = `${META}ObjectMeta`;
export const LIST_META = `${META}ListMeta`;
export const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
export const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
export const TIME = `${META}Time`;
export const MICRO_TIME = `${META}MicroTime`;

// kube's texts for the fields every object and list carries.
const API_VERSION_DOC =
  "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DOC =
  "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const OBJECT_META_DOC =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_META_DOC =
  "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/** A node's schema without description or constraints. */
function typeSchema(node: TypeNode): JsonSchema {
  switch (node.kind) {
    case "string":
      return node.format ? { type: "string", format: node.format } : { type: "string" };
    case "enum":
      return { type: "string", enum: [...node.values] };
    case "boolean":
      return { type: "boolean" };
    case "number":
      return { type: "number", format: node.format };
    case "integer":
      return { type: "integer", format: node.format };
    case "intOrString":
      // Named like kube publishes them, so explain shows `<Quantity>` / `<IntOrString>`.
      return ref(node.quantity ? QUANTITY : INT_OR_STRING);
    case "time":
      return ref(node.micro ? MICRO_TIME : TIME);
    case "array":
      return { type: "array", items: valueSchema(node.items, node.itemConstraints) };
    case "map":
      return { type: "object", additionalProperties: valueSchema(node.values, node.valueConstraints) };
    case "object":
      return ref(node.ref);
    case "unknown":
      return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  }
  return unreachable(node);
}

function unreachable(node: never): never {
  throw new Error(`internal error: unknown type node ${JSON.stringify(node)}`);
}

/** Schema of a value with its own constraints (array items, map values, fields). */
function valueSchema(node: TypeNode, constraints: Constraints | undefined, description?: string): JsonSchema {
  const base = typeSchema(node);
  const extra: JsonSchema = { ...(description ? { description } : {}), ...constraintKeywords(constraints ?? {}, node) };
  const target = refTarget(base);
  if (target) return refWith(target, extra);
  return { ...(description ? { description } : {}), ...base, ...extra };
}

/** JSON Schema keywords and Kubernetes extensions for a node's constraints. */
function constraintKeywords(c: Constraints, node?: TypeNode): JsonSchema {
  const s: JsonSchema = {};
  const copy = [
    "default", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
    "pattern", "format", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "example", "title",
    "deprecated", "nullable",
  ] as const;
  for (const k of copy) if (c[k] !== undefined) s[k] = c[k];
  if (c.listType) s["x-kubernetes-list-type"] = c.listType;
  if (c.listMapKeys?.length) s["x-kubernetes-list-map-keys"] = [...c.listMapKeys];
  // kubectl's client-side apply computes strategic merge patches from these; SMP
  // knows a single merge key, so only single-key map lists merge by key.
  if (c.listType === "map" && c.listMapKeys?.length === 1) {
    s["x-kubernetes-patch-merge-key"] = c.listMapKeys[0];
    s["x-kubernetes-patch-strategy"] = "merge";
  }
  const mapType = c.mapType ?? c.structType;
  if (mapType) s["x-kubernetes-map-type"] = mapType;
  if (c.preserveUnknownFields && node?.kind !== "unknown") s["x-kubernetes-preserve-unknown-fields"] = true;
  if (c.embeddedResource) s["x-kubernetes-embedded-resource"] = true;
  // Union tags as the same CEL rules the server's structural schema enforces.
  const rules = [...(c.rules ?? []).map(toValidation), ...unionRules(c)];
  if (rules.length) s["x-kubernetes-validations"] = rules;
  return s;
}

function fieldSchema(f: Field): JsonSchema {
  return valueSchema(f.type, f.constraints, f.description || undefined);
}

/** One named object type of the model. */
export function objectTypeSchema(t: ObjectType): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const f of t.fields) properties[f.name] = fieldSchema(f);
  const required = t.fields.filter((f) => f.required).map((f) => f.name);
  return {
    ...(t.description ? { description: t.description } : {}),
    type: "object",
    ...(t.fields.length ? { properties } : {}),
    ...(required.length ? { required } : {}),
    ...constraintKeywords(t.constraints),
  };
}

/**
 * The spec and status fields' own docs, in kube's words for its kinds (apps/v1 Deployment).
 * Never the referenced type's description: kubectl explain prints a field's description
 * and then its `$ref`'d type's, so a copy would print the same text twice.
 */
const specDoc = (kind: string) => `Specification of the desired behavior of the ${kind}.`;
const statusDoc = (kind: string) => `Most recently observed status of the ${kind}.`;

/** kube defaults spec and status to `{}`; only valid when the type requires no field. */
function emptyDefault(model: ApiModel, id: string): {} | undefined {
  return model.types[id]?.fields.some((f) => f.required) ? undefined : {};
}

/** The kind's own schema: apiVersion, kind, metadata, spec and status, with the GVK kubectl looks for. */
export function kindSchema(model: ApiModel, group: string, version: string, kind: KindModel): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    apiVersion: { description: API_VERSION_DOC, type: "string" },
    kind: { description: KIND_DOC, type: "string" },
    metadata: refWith(OBJECT_META, { default: {}, description: OBJECT_META_DOC }),
    spec: refWith(kind.spec, { default: emptyDefault(model, kind.spec), description: specDoc(kind.name) }),
  };
  if (kind.status) properties.status = refWith(kind.status, { default: emptyDefault(model, kind.status), description: statusDoc(kind.name) });
  const gvk: Gvk = { group, kind: kind.name, version };
  return {
    ...(kind.description ? { description: kind.description } : {}),
    type: "object",
    properties,
    // Resource<Spec, Status> declares spec required.
    required: ["spec"],
    ...(kind.rules.length ? { "x-kubernetes-validations": kind.rules.map(toValidation) } : {}),
    "x-kubernetes-group-version-kind": [gvk],
  };
}

export function listSchema(group: string, version: string, kind: KindModel): JsonSchema {
  const gvk: Gvk = { group, kind: kind.listKind, version };
  return {
    description: `${kind.listKind} is a list of ${kind.name}.`,
    type: "object",
    properties: {
      apiVersion: { description: API_VERSION_DOC, type: "string" },
      items: {
        description: `List of ${kind.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        type: "array",
        // no `default: {}` on items: a kind requires spec, so {} would not validate.
        items: ref(kindDefinition(group, version, kind.name)),
      },
      kind: { description: KIND_DOC, type: "string" },
      metadata: refWith(LIST_META, { default: {}, description: LIST_META_DOC }),
    },
    required: ["items"],
    "x-kubernetes-group-version-kind": [gvk],
  };
}
