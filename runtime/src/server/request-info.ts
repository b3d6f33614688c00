/**
 * Turns a request's method, path and query into a RequestInfo, following
 * k8s.io/apiserver/pkg/endpoints/request/requestinfo.go (NewRequestInfo) step
 * by step, so authorization and metrics see the same attributes kube would.
 */
import type { RequestInfo } from "../api/request.js";
import { parseFieldSelector } from "../apimachinery/fields.js";
import { isValidPathSegmentName } from "../apimachinery/validation.js";

const API_PREFIXES = new Set(["api", "apis"]);
/** `api` has no group segment: /api/v1/... */
const GROUPLESS_PREFIXES = new Set(["api"]);
/** Verbs given as a path prefix (deprecated /watch/... and /proxy/... forms). */
const SPECIAL_VERBS = new Set(["proxy", "watch"]);
/** Special verbs whose third part is not a subresource. */
const SPECIAL_VERBS_NO_SUBRESOURCES = new Set(["proxy"]);
/** Subresources of a namespace, so /namespaces/<ns>/status is about the namespace itself. */
const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

const METHOD_VERBS: Record<string, string> = {
  POST: "create",
  GET: "get",
  HEAD: "get",
  PUT: "update",
  PATCH: "patch",
  DELETE: "delete",
};

/** The RequestInfo of a request that names no resource (also what a request has before it is parsed). */
export function nonResourceInfo(path: string, verb: string): RequestInfo {
  return { isResourceRequest: false, path, verb, apiPrefix: "", apiGroup: "", apiVersion: "", namespace: "", resource: "", subresource: "", name: "", parts: [] };
}

/**
 * `path` is the decoded path (no query); `query` the parsed query string.
 * Never throws: malformed paths just become non-resource requests.
 */
export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info = nonResourceInfo(path, method.toLowerCase());

  let parts = splitPath(path);
  if (parts.length < 3 || !API_PREFIXES.has(parts[0])) return info;
  info.apiPrefix = parts[0];
  parts = parts.slice(1);

  if (!GROUPLESS_PREFIXES.has(info.apiPrefix)) {
    // The prefix is consumed, so this asks "were there four parts?"
    if (parts.length < 3) return info;
    info.apiGroup = parts[0];
    parts = parts.slice(1);
  }

  info.isResourceRequest = true;
  info.apiVersion = parts[0];
  parts = parts.slice(1);

  if (SPECIAL_VERBS.has(parts[0])) {
    if (parts.length < 2) {
      // kube returns an error here and the request is treated as non-resource.
      info.isResourceRequest = false;
      info.verb = method.toLowerCase();
      return info;
    }
    info.verb = parts[0];
    parts = parts.slice(1);
  } else {
    info.verb = METHOD_VERBS[method] ?? "";
  }

  if (parts[0] === "namespaces") {
    if (parts.length > 1) {
      info.namespace = parts[1];
      // /namespaces/<ns>/<resource>/... unless the third part is a namespace subresource.
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
    }
  }

  info.parts = parts;
  if (parts.length >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.has(info.verb)) info.subresource = parts[2];
  if (parts.length >= 2) info.name = parts[1];
  if (parts.length >= 1) info.resource = parts[0];

  // No name on a GET: it is a list or a watch.
  if (info.name === "" && info.verb === "get") {
    info.verb = isTrueParam(query.get("watch")) ? "watch" : "list";
    const fieldSelector = query.get("fieldSelector");
    if (fieldSelector) {
      const name = exactMetadataName(fieldSelector);
      if (name !== undefined && isValidPathSegmentName(name).length === 0) info.name = name;
    }
  }
  if (info.name === "" && info.verb === "delete") info.verb = "deletecollection";
  return info;
}

/** strings.Trim(path, "/") then split on "/"; "" for the root. */
function splitPath(path: string): string[] {
  let start = 0;
  let end = path.length;
  while (start < end && path.charCodeAt(start) === 47) start++;
  while (end > start && path.charCodeAt(end - 1) === 47) end--;
  if (start === end) return [];
  // by hand: String.prototype.split of a request's (never interned) path runs in V8's runtime
  const parts: string[] = [];
  for (let from = start; ; ) {
    const slash = path.indexOf("/", from);
    if (slash < 0 || slash >= end) {
      parts.push(path.slice(from, end));
      return parts;
    }
    parts.push(path.slice(from, slash));
    from = slash + 1;
  }
}

/**
 * Query booleans as apimachinery decodes them (Convert_Slice_string_To_bool):
 * absent, "0" and "false" (any case) are false, anything else, even "", is true.
 */
function isTrueParam(value: string | null): boolean {
  if (value === null) return false;
  return value !== "0" && value.toLowerCase() !== "false";
}

/**
 * The name a field selector pins with `metadata.name=x` or `metadata.name==x`
 * (fields.Selector.RequiresExactMatch: the first such term in the parser's sorted
 * order); undefined when it pins none or does not parse, as kube's request info
 * then sets no name.
 */
function exactMetadataName(selector: string): string | undefined {
  let parsed;
  try {
    parsed = parseFieldSelector(selector);
  } catch {
    return undefined;
  }
  return parsed.requirements.find((r) => r.field === "metadata.name" && r.operator === "=")?.value;
}

/** Long-running requests (watch, connect-like subresources) are exempt from timeouts and in-flight limits, as kube's BasicLongRunningRequestCheck. */
const LONG_RUNNING_VERBS = new Set(["watch", "proxy"]);
const LONG_RUNNING_SUBRESOURCES = new Set(["attach", "exec", "proxy", "log", "portforward"]);

export function isLongRunning(info: RequestInfo): boolean {
  return LONG_RUNNING_VERBS.has(info.verb) || (info.isResourceRequest && LONG_RUNNING_SUBRESOURCES.has(info.subresource));
}
