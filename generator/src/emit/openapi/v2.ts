/**
 * Swagger 2.0 document for every served group-version, as kube serves one
 * `/openapi/v2`. Built from the same paths and v3 schemas, rewritten to v2:
 * refs under `#/definitions/`, `$ref` with siblings instead of `allOf`
 * wrappers, int-or-string as `type: string` (v2 has no oneOf/anyOf),
 * `nullable` as `x-nullable`. Parameters stay inline (kube pools them under
 * `#/parameters/`; both are valid and kubectl's v2 check reads either).
 */
import type { ApiModel } from "../../model/types.js";
import { V2_REF_PREFIX, V3_REF_PREFIX, type JsonSchema } from "./json-schema.js";
import { collectDefinitions, type GroupVersionRef } from "./definitions.js";
import { groupVersionPaths, type ApiOperation, type ApiPath } from "./operations.js";
import type { ApiParam } from "./parameters.js";
import type { DocumentInfo } from "./v3.js";

export function buildV2Document(model: ApiModel, info: DocumentInfo): JsonSchema {
  const gvs: GroupVersionRef[] = [];
  const apiPaths: ApiPath[] = [];
  for (const g of model.groups)
    for (const v of g.versions) {
      if (!v.served) continue;
      gvs.push({ group: g.name, version: v.name });
      apiPaths.push(...groupVersionPaths(g.name, v));
    }
  const { schemas } = collectDefinitions(model, gvs);
  const definitions = Object.fromEntries(Object.entries(schemas).map(([n, s]) => [n, toV2Schema(s)]));
  const paths: Record<string, JsonSchema> = {};
  for (const p of apiPaths.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) paths[p.path] = v2PathItem(p);
  return {
    definitions,
    info: { title: info.title, version: info.version },
    paths,
    security: [{ BearerToken: [] }],
    securityDefinitions: {
      BearerToken: { description: "Bearer Token authentication", in: "header", name: "authorization", type: "apiKey" },
    },
    swagger: "2.0",
  };
}

/** Rewrites one v3 schema (any depth) into its v2 form. */
export function toV2Schema(node: unknown): JsonSchema {
  return convert(node) as JsonSchema;
}

const DATA_KEYWORDS = new Set(["default", "example", "enum", "x-kubernetes-validations", "x-kubernetes-group-version-kind"]);

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== "object") return node;
  const src = node as JsonSchema;
  const out: JsonSchema = {};
  const allOf = src.allOf as JsonSchema[] | undefined;
  const wrapped = allOf?.length === 1 && typeof allOf[0].$ref === "string" ? allOf[0] : undefined;
  for (const [k, v] of Object.entries(src)) {
    if (wrapped && k === "allOf") {
      out.$ref = (wrapped.$ref as string).replace(V3_REF_PREFIX, V2_REF_PREFIX);
    } else if (k === "$ref" && typeof v === "string") {
      out.$ref = v.replace(V3_REF_PREFIX, V2_REF_PREFIX);
    } else if (k === "nullable") {
      if (v) out["x-nullable"] = true;
    } else if (k === "deprecated") {
      // Swagger 2.0 schemas have no `deprecated`; the description says so.
    } else if ((k === "oneOf" || k === "anyOf") && src["x-kubernetes-int-or-string"]) {
      // int-or-string: kube's v2 shape is a string.
      if (!src.type) out.type = "string";
    } else if (k === "x-kubernetes-int-or-string" && (src.oneOf || src.anyOf)) {
      // Dropped with the oneOf it marked, so Quantity and IntOrString equal kube's v2
      // definitions and the aggregator's v2 merge need not rename them.
    } else {
      out[k] = DATA_KEYWORDS.has(k) ? v : convert(v);
    }
  }
  return out;
}

function v2PathItem(p: ApiPath): JsonSchema {
  const item: JsonSchema = {};
  for (const o of p.operations) item[o.method] = v2Operation(o);
  if (p.parameters.length) item.parameters = p.parameters.map(v2Param);
  return item;
}

function v2Param(p: ApiParam): JsonSchema {
  return { description: p.description, in: p.in, name: p.name, ...(p.required ? { required: true } : {}), type: p.type, uniqueItems: true };
}

function v2Operation(o: ApiOperation): JsonSchema {
  const op: JsonSchema = {};
  if (o.requestBody) op.consumes = o.requestBody.mediaTypes;
  op.description = o.description;
  op.operationId = o.operationId;
  const params: JsonSchema[] = [];
  if (o.requestBody) {
    params.push({ in: "body", name: "body", ...(o.requestBody.required ? { required: true } : {}), schema: toV2Schema(o.requestBody.schema) });
  }
  params.push(...o.parameters.map(v2Param));
  if (params.length) op.parameters = params;
  op.produces = [...new Set(Object.values(o.responses).flatMap((r) => r.mediaTypes ?? []))];
  op.responses = Object.fromEntries(
    Object.entries(o.responses).map(([code, r]) => [code, r.schema ? { description: r.description, schema: toV2Schema(r.schema) } : { description: r.description }]),
  );
  op.schemes = ["https"];
  op.tags = o.tags;
  op["x-kubernetes-action"] = o.action;
  op["x-kubernetes-group-version-kind"] = o.gvk;
  return op;
}
