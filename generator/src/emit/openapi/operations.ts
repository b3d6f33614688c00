/**
 * The REST surface of one group-version as kube-apiserver publishes it for a
 * resource: paths, operations, parameters, bodies and responses, in a form
 * both the v3 and the v2 writer render. Only media types the server serves
 * are listed (JSON and YAML, JSON watch streams); no protobuf.
 */
import type { KindModel, VersionModel } from "../../model/types.js";
import { ref, type Gvk, type JsonSchema } from "./json-schema.js";
import { kindDefinition, operationId, scopeWord, tagFor } from "./naming.js";
import { LIST_PARAMS, PARAM, type ApiParam } from "./parameters.js";

export type HttpMethod = "get" | "put" | "post" | "patch" | "delete";
export type Action = "get" | "list" | "watch" | "watchlist" | "put" | "post" | "patch" | "delete" | "deletecollection" | "connect";

export interface ApiResponse {
  description: string;
  schema?: JsonSchema;
  mediaTypes?: string[];
}

export interface ApiOperation {
  method: HttpMethod;
  operationId: string;
  description: string;
  tags: string[];
  action: Action;
  gvk: Gvk;
  parameters: ApiParam[];
  requestBody?: { schema: JsonSchema; mediaTypes: string[]; required: boolean };
  responses: Record<string, ApiResponse>;
}

export interface ApiPath {
  path: string;
  parameters: ApiParam[];
  operations: ApiOperation[];
}

const OBJECT_MEDIA = ["application/json", "application/yaml"];
const STREAM_MEDIA = ["application/json", "application/yaml", "application/json;stream=watch"];
/**
 * Patch types the server accepts. kubectl's client-side apply sends a
 * strategic merge patch only when the PATCH operation lists it here, computed
 * from the `x-kubernetes-patch-*` extensions of the kind's schema.
 * NOTE: `application/apply-patch+yaml` (server-side apply) is listed as kube
 * lists it, but the server may answer 415 until apply lands.
 */
const PATCH_MEDIA = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

const PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
const STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
const DELETE_OPTIONS = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
const WATCH_EVENT = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";
export const SCALE = "io.k8s.api.autoscaling.v1.Scale";
const SCALE_GVK: Gvk = { group: "autoscaling", kind: "Scale", version: "v1" };

const UNAUTHORIZED: ApiResponse = { description: "Unauthorized" };
const ok = (schema: JsonSchema, mediaTypes = OBJECT_MEDIA): ApiResponse => ({ description: "OK", schema, mediaTypes });
const created = (schema: JsonSchema): ApiResponse => ({ description: "Created", schema, mediaTypes: OBJECT_MEDIA });
const accepted = (schema: JsonSchema): ApiResponse => ({ description: "Accepted", schema, mediaTypes: OBJECT_MEDIA });

const byName = (a: ApiParam, b: ApiParam) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const sorted = (ps: ApiParam[]) => [...ps].sort(byName);

const WATCH_ITEM_DOC = (k: string) =>
  `watch changes to an object of kind ${k}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`;
const WATCH_LIST_DOC = (k: string) =>
  `watch individual changes to a list of ${k}. deprecated: use the 'watch' parameter with a list operation instead.`;

/** Every path of one group-version, sorted like kube's documents. */
export function groupVersionPaths(group: string, version: VersionModel): ApiPath[] {
  const paths = version.kinds.flatMap((k) => kindPaths(group, version.name, k));
  return paths.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function kindPaths(group: string, version: string, kind: KindModel): ApiPath[] {
  const base = `/apis/${group}/${version}`;
  const ns = kind.scope === "Namespaced";
  const scope = ns ? "/namespaces/{namespace}" : "";
  const collection = `${base}${scope}/${kind.plural}`;
  const item = `${collection}/{name}`;
  const K = kind.name;
  const W = scopeWord(kind); // "Namespaced" | ""
  const tags = [tagFor(group, version)];
  const gvk: Gvk = { group, kind: K, version };
  const obj = ref(kindDefinition(group, version, K));
  const list = ref(kindDefinition(group, version, kind.listKind));
  const status = ref(STATUS);
  const id = (verb: string, rest: string) => operationId(verb, group, version, rest);
  const nsParams = ns ? [PARAM.namespace] : [];
  const itemParams = [PARAM.name(K), ...nsParams, PARAM.pretty];
  const body = (schema: JsonSchema) => ({ schema, mediaTypes: OBJECT_MEDIA, required: true });
  const patchBody = { schema: ref(PATCH), mediaTypes: PATCH_MEDIA, required: true };
  const writeParams = [PARAM.dryRun, PARAM.fieldManager, PARAM.fieldValidation];
  const patchParams = [PARAM.dryRun, PARAM.fieldManagerPatch, PARAM.fieldValidation, PARAM.force];
  const op = (o: Omit<ApiOperation, "tags">): ApiOperation => ({ ...o, tags });

  /** get/put/patch on the object or one of its object-shaped subresources (status, scale). */
  const readWrite = (sub: "" | "Status" | "Scale", schema: JsonSchema, g: Gvk, what: string): ApiOperation[] => [
    op({ method: "get", operationId: id("read", `${W}${K}${sub}`), description: `read ${what}`, action: "get", gvk: g, parameters: [], responses: { "200": ok(schema), "401": UNAUTHORIZED } }),
    op({ method: "put", operationId: id("replace", `${W}${K}${sub}`), description: `replace ${what}`, action: "put", gvk: g, parameters: writeParams, requestBody: body(schema), responses: { "200": ok(schema), "201": created(schema), "401": UNAUTHORIZED } }),
    op({ method: "patch", operationId: id("patch", `${W}${K}${sub}`), description: `partially update ${what}`, action: "patch", gvk: g, parameters: patchParams, requestBody: patchBody, responses: { "200": ok(schema), "201": created(schema), "401": UNAUTHORIZED } }),
  ];

  const out: ApiPath[] = [];
  out.push({
    path: collection,
    parameters: [...nsParams, PARAM.pretty],
    operations: [
      op({ method: "get", operationId: id("list", `${W}${K}`), description: `list or watch objects of kind ${K}`, action: "list", gvk, parameters: LIST_PARAMS, responses: { "200": ok(list, STREAM_MEDIA), "401": UNAUTHORIZED } }),
      op({ method: "post", operationId: id("create", `${W}${K}`), description: `create a ${K}`, action: "post", gvk, parameters: writeParams, requestBody: body(obj), responses: { "200": ok(obj), "201": created(obj), "202": accepted(obj), "401": UNAUTHORIZED } }),
      op({
        method: "delete", operationId: id("delete", `Collection${W}${K}`), description: `delete collection of ${K}`, action: "deletecollection", gvk,
        parameters: sorted([PARAM.continue, PARAM.dryRun, PARAM.fieldSelector, PARAM.gracePeriodSeconds, PARAM.labelSelector, PARAM.limit, PARAM.orphanDependents, PARAM.propagationPolicy, PARAM.resourceVersion, PARAM.resourceVersionMatch, PARAM.sendInitialEvents, PARAM.timeoutSeconds]),
        requestBody: { schema: ref(DELETE_OPTIONS), mediaTypes: OBJECT_MEDIA, required: false },
        responses: { "200": ok(status), "401": UNAUTHORIZED },
      }),
    ],
  });
  out.push({
    path: item,
    parameters: itemParams,
    operations: [
      ...readWrite("", obj, gvk, `the specified ${K}`),
      op({
        method: "delete", operationId: id("delete", `${W}${K}`), description: `delete a ${K}`, action: "delete", gvk,
        parameters: [PARAM.dryRun, PARAM.gracePeriodSeconds, PARAM.orphanDependents, PARAM.propagationPolicy],
        requestBody: { schema: ref(DELETE_OPTIONS), mediaTypes: OBJECT_MEDIA, required: false },
        responses: { "200": ok(status), "202": accepted(status), "401": UNAUTHORIZED },
      }),
    ],
  });
  if (ns) {
    out.push({
      path: `${base}/${kind.plural}`,
      parameters: sorted([...LIST_PARAMS, PARAM.pretty]),
      operations: [op({ method: "get", operationId: id("list", `${K}ForAllNamespaces`), description: `list or watch objects of kind ${K}`, action: "list", gvk, parameters: [], responses: { "200": ok(list, STREAM_MEDIA), "401": UNAUTHORIZED } })],
    });
  }
  // kube 1.32 still publishes the deprecated /watch/ paths; the server routes them to list?watch=true.
  const watchEvent = ref(WATCH_EVENT);
  const watchOk = { "200": ok(watchEvent, STREAM_MEDIA), "401": UNAUTHORIZED };
  out.push({
    path: `${base}/watch${scope}/${kind.plural}`,
    parameters: sorted([...LIST_PARAMS, ...nsParams, PARAM.pretty]),
    operations: [op({ method: "get", operationId: id("watch", `${W}${K}List`), description: WATCH_LIST_DOC(K), action: "watchlist", gvk, parameters: [], responses: watchOk })],
  });
  out.push({
    path: `${base}/watch${scope}/${kind.plural}/{name}`,
    parameters: sorted([...LIST_PARAMS, PARAM.name(K), ...nsParams, PARAM.pretty]),
    operations: [op({ method: "get", operationId: id("watch", `${W}${K}`), description: WATCH_ITEM_DOC(K), action: "watch", gvk, parameters: [], responses: watchOk })],
  });
  if (ns) {
    out.push({
      path: `${base}/watch/${kind.plural}`,
      parameters: sorted([...LIST_PARAMS, PARAM.pretty]),
      operations: [op({ method: "get", operationId: id("watch", `${K}ListForAllNamespaces`), description: WATCH_LIST_DOC(K), action: "watchlist", gvk, parameters: [], responses: watchOk })],
    });
  }

  const sub = kind.subresources;
  if (sub.status) out.push({ path: `${item}/status`, parameters: itemParams, operations: readWrite("Status", obj, gvk, `status of the specified ${K}`) });
  if (sub.scale) out.push({ path: `${item}/scale`, parameters: itemParams, operations: readWrite("Scale", ref(SCALE), SCALE_GVK, `scale of the specified ${K}`) });
  if (sub.log) {
    // Like pods/log: a GET whose body is the log text (kube publishes it as action `get`).
    out.push({
      path: `${item}/log`,
      parameters: sorted([PARAM.container("stream logs"), PARAM.follow, PARAM.limitBytes, PARAM.name(K), ...nsParams, PARAM.pretty, PARAM.previous, PARAM.sinceSeconds, PARAM.tailLines, PARAM.timestamps]),
      operations: [op({ method: "get", operationId: id("read", `${W}${K}Log`), description: `read log of the specified ${K}`, action: "get", gvk, parameters: [], responses: { "200": ok({ type: "string" }, ["text/plain"]), "401": UNAUTHORIZED } })],
    });
  }
  if (sub.exec) {
    // Like pods/exec: a connect subresource upgraded to a streaming protocol, reachable by GET and POST.
    const connect = (method: "get" | "post", verbWord: string): ApiOperation =>
      op({ method, operationId: id("connect", `${verbWord}${W}${K}Exec`), description: `connect ${method.toUpperCase()} requests to exec of ${K}`, action: "connect", gvk, parameters: [], responses: { "200": ok({ type: "string" }, ["*/*"]), "401": UNAUTHORIZED } });
    out.push({
      path: `${item}/exec`,
      parameters: sorted([PARAM.command, PARAM.container("execute the command"), PARAM.name(K), ...nsParams, PARAM.stderr, PARAM.stdin, PARAM.stdout, PARAM.tty]),
      operations: [connect("get", "Get"), connect("post", "Post")],
    });
  }
  // Custom subresources (`@subresource <name>`) are not published: their handler is
  // the user's, and the model says nothing of their verbs or bodies.
  return out;
}

/** Definitions the operations of a group-version reference directly, besides kinds and lists. */
export const OPERATION_DEFINITIONS = [PATCH, STATUS, DELETE_OPTIONS, WATCH_EVENT];
