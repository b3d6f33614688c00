/** OpenAPI 3.0 document of one group-version, as kube-apiserver serves `/openapi/v3/apis/<group>/<version>`. */
import type { ApiModel, VersionModel } from "../../model/types.js";
import type { JsonSchema } from "./json-schema.js";
import { collectDefinitions } from "./definitions.js";
import { groupVersionPaths, type ApiOperation, type ApiPath, type ApiResponse } from "./operations.js";
import type { ApiParam } from "./parameters.js";

export interface DocumentInfo {
  title: string;
  version: string;
}

const BEARER = {
  BearerToken: { description: "Bearer Token authentication", in: "header", name: "authorization", type: "apiKey" },
};

export function buildV3Document(model: ApiModel, group: string, version: VersionModel, info: DocumentInfo): JsonSchema {
  const { schemas } = collectDefinitions(model, [{ group, version: version.name }]);
  const paths: Record<string, JsonSchema> = {};
  for (const p of groupVersionPaths(group, version)) paths[p.path] = v3PathItem(p);
  return {
    components: { schemas, securitySchemes: BEARER },
    info: { title: info.title, version: info.version },
    openapi: "3.0.0",
    paths,
    security: [{ BearerToken: [] }],
  };
}

function v3PathItem(p: ApiPath): JsonSchema {
  const item: JsonSchema = {};
  for (const o of p.operations) item[o.method] = v3Operation(o);
  if (p.parameters.length) item.parameters = p.parameters.map(v3Param);
  return item;
}

// kube marks every parameter schema uniqueItems (a quirk of its builder); kept for fidelity.
function v3Param(p: ApiParam): JsonSchema {
  return {
    description: p.description,
    in: p.in,
    name: p.name,
    ...(p.required ? { required: true } : {}),
    schema: { type: p.type, uniqueItems: true },
  };
}

function v3Operation(o: ApiOperation): JsonSchema {
  const op: JsonSchema = { description: o.description, operationId: o.operationId };
  if (o.parameters.length) op.parameters = o.parameters.map(v3Param);
  if (o.requestBody) {
    const { schema, mediaTypes, required } = o.requestBody;
    op.requestBody = { content: Object.fromEntries(mediaTypes.map((m) => [m, { schema }])), ...(required ? { required } : {}) };
  }
  op.responses = Object.fromEntries(Object.entries(o.responses).map(([code, r]) => [code, v3Response(r)]));
  op.tags = o.tags;
  op["x-kubernetes-action"] = o.action;
  op["x-kubernetes-group-version-kind"] = o.gvk;
  return op;
}

function v3Response(r: ApiResponse): JsonSchema {
  if (!r.schema) return { description: r.description };
  return { content: Object.fromEntries((r.mediaTypes ?? []).map((m) => [m, { schema: r.schema }])), description: r.description };
}
