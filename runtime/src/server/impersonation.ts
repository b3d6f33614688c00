/**
 * Impersonation, as k8s.io/apiserver's WithImpersonation
 * (pkg/endpoints/filters/impersonation/impersonation.go): after authentication
 * and before max-in-flight and authorization, the Impersonate-User,
 * -Group, -Uid and -Extra-<key> headers switch the request's user, once the
 * authenticated user has been authorized for verb `impersonate` on each
 * requested attribute. Everything later (limits, authorization, admission,
 * handlers) sees the impersonated user; the headers are then removed.
 */
import type { IncomingMessage } from "node:http";
import type { RequestInfo, UserInfo } from "../api/request.js";
import { errors } from "../api/status.js";
import { isDNS1123Label, isDNS1123Subdomain } from "../apimachinery/validation.js";
import { removeHeaders } from "../auth/remove-headers.js";
import { AUTHENTICATED_GROUP } from "./authentication.js";
import { type Authorizer, forbidden, PRIVILEGED_GROUP } from "./authorization.js";

const USER_HEADER = "impersonate-user";
const GROUP_HEADER = "impersonate-group";
const UID_HEADER = "impersonate-uid";
const EXTRA_PREFIX = "impersonate-extra-";

const ANONYMOUS_USER = "system:anonymous";
const UNAUTHENTICATED_GROUP = "system:unauthenticated";
const SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
const AUTHENTICATION_GROUP = "authentication.k8s.io";

/** One thing to impersonate, as kube's v1.ObjectReference in buildImpersonationRequests. */
interface ImpersonationRequest {
  kind: "User" | "ServiceAccount" | "Group" | "UserExtra" | "UID";
  namespace: string;
  name: string;
  apiVersion: string;
  /** The extra key (kube abuses ObjectReference.FieldPath for it). */
  fieldPath: string;
}

/**
 * The user the request acts as: `requestor` itself when it asks for no
 * impersonation (synchronously, so plain requests pay no microtask), else the
 * impersonated user once every attribute is allowed. Throws the StatusError
 * kube sends: 400 for groups/extra/uid without a user, 403 for a refusal.
 */
export function actingUser(req: IncomingMessage, requestor: UserInfo, authorize: Authorizer): UserInfo | Promise<UserInfo> {
  if (!hasImpersonationHeader(req)) return requestor;
  const requests = impersonationRequests(req);
  if (requests.length === 0) return requestor;
  return impersonate(req, requestor, requests, authorize);
}

/** kube's httplog note "<old> is impersonating <new>", for logs of failed requests. */
export function describeImpersonation(requestor: UserInfo, user: UserInfo): string {
  return `${userString(requestor)} is impersonating ${userString(user)}`;
}

function hasImpersonationHeader(req: IncomingMessage): boolean {
  for (const name in req.headers) if (name.startsWith("impersonate-")) return true;
  return false;
}

function isImpersonationHeader(name: string): boolean {
  return name === USER_HEADER || name === GROUP_HEADER || name === UID_HEADER || name.startsWith(EXTRA_PREFIX);
}

/** buildImpersonationRequests: user (or service account), groups, extras, uid, in that order. */
function impersonationRequests(req: IncomingMessage): ImpersonationRequest[] {
  const headers = req.headersDistinct;
  const requests: ImpersonationRequest[] = [];
  const ref = (kind: ImpersonationRequest["kind"], name: string, more: Partial<ImpersonationRequest> = {}): ImpersonationRequest => ({
    kind,
    namespace: "",
    name,
    apiVersion: "",
    fieldPath: "",
    ...more,
  });

  // Go's Header.Get: the first value only.
  const requestedUser = headers[USER_HEADER]?.[0] ?? "";
  const hasUser = requestedUser !== "";
  if (hasUser) {
    const sa = splitServiceAccountUsername(requestedUser);
    requests.push(sa ? ref("ServiceAccount", sa.name, { namespace: sa.namespace }) : ref("User", requestedUser));
  }

  // Every Impersonate-Group line counts, even an empty one (kube does not filter them).
  const groups = headers[GROUP_HEADER] ?? [];
  for (const group of groups) requests.push(ref("Group", group));

  let hasExtra = false;
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA_PREFIX) || !values) continue;
    hasExtra = true;
    // Node has already lower-cased the name, as kube's strings.ToLower; then the %-escapes are decoded.
    const key = pathUnescape(header.slice(EXTRA_PREFIX.length));
    for (const value of values) requests.push(ref("UserExtra", value, { apiVersion: `${AUTHENTICATION_GROUP}/v1`, fieldPath: key }));
  }

  const requestedUID = headers[UID_HEADER]?.[0] ?? "";
  const hasUID = requestedUID !== "";
  if (hasUID) requests.push(ref("UID", requestedUID, { apiVersion: `${AUTHENTICATION_GROUP}/v1` }));

  // kube >= 1.35 answers this 400 BadRequest (1.32-1.34 sent a plain-text 500 with the same words).
  if ((groups.length > 0 || hasExtra || hasUID) && !hasUser) {
    throw errors.badRequest(`requested ${goFormatReferences(requests)} without impersonating a user`);
  }
  return requests;
}

async function impersonate(req: IncomingMessage, requestor: UserInfo, requests: ImpersonationRequest[], authorize: Authorizer): Promise<UserInfo> {
  // Groups given explicitly are the whole list (including system:authenticated or not).
  const groupsSpecified = (req.headersDistinct[GROUP_HEADER]?.length ?? 0) > 0;
  let username = "";
  let groups: string[] = [];
  let uid = "";
  const extra: Record<string, string[]> = {};

  for (const request of requests) {
    const attributes = impersonateAttributes(request);
    switch (request.kind) {
      case "ServiceAccount":
        username = `${SERVICE_ACCOUNT_PREFIX}${request.namespace}:${request.name}`;
        if (!groupsSpecified) groups = ["system:serviceaccounts", `system:serviceaccounts:${request.namespace}`];
        break;
      case "User":
        username = request.name;
        break;
      case "Group":
        groups.push(request.name);
        break;
      case "UserExtra":
        (extra[request.fieldPath] ??= []).push(request.name);
        break;
      case "UID":
        uid = request.name;
        break;
    }
    await authorizeImpersonation(requestor, attributes, authorize);
  }

  if (username !== ANONYMOUS_USER) {
    if (!groups.includes(AUTHENTICATED_GROUP) && !groups.includes(UNAUTHENTICATED_GROUP)) groups.push(AUTHENTICATED_GROUP);
  } else if (!groups.includes(UNAUTHENTICATED_GROUP)) {
    groups.push(UNAUTHENTICATED_GROUP);
  }

  const user: UserInfo = { name: username, groups };
  if (uid) user.uid = uid;
  if (Object.keys(extra).length > 0) user.extra = extra;
  // kube deletes the headers so nothing further (a proxy, a handler) acts on them again.
  removeHeaders(req, isImpersonationHeader);
  return user;
}

/** The authorization attributes of one impersonation request: verb impersonate on users, serviceaccounts, groups, userextras or uids. */
function impersonateAttributes(request: ImpersonationRequest): RequestInfo {
  const [apiGroup, apiVersion] = request.apiVersion ? request.apiVersion.split("/") : ["", ""];
  const resource = { User: "users", ServiceAccount: "serviceaccounts", Group: "groups", UserExtra: "userextras", UID: "uids" }[request.kind];
  return {
    isResourceRequest: true,
    path: "",
    verb: "impersonate",
    apiPrefix: "",
    apiGroup: apiGroup!,
    apiVersion: apiVersion!,
    namespace: request.namespace,
    resource,
    subresource: request.kind === "UserExtra" ? request.fieldPath : "",
    name: request.name,
    parts: [],
  };
}

const NO_QUERY = new URLSearchParams();

/** system:masters passes as in the pipeline; any other answer than allowed (an error included) is kube's 403. */
async function authorizeImpersonation(requestor: UserInfo, attributes: RequestInfo, authorize: Authorizer): Promise<void> {
  if (requestor.groups.includes(PRIVILEGED_GROUP)) return;
  let allowed = false;
  let reason: string | undefined;
  try {
    ({ allowed, reason } = await authorize(requestor, attributes, NO_QUERY));
  } catch {
    // kube: err != nil -> Forbidden with the (empty) reason, not a 500.
  }
  if (!allowed) throw forbidden(requestor, attributes, reason);
}

/** serviceaccount.SplitUsername: system:serviceaccount:<DNS label>:<DNS subdomain>, exactly two parts. */
function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(":");
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  if (isDNS1123Label(namespace).length > 0 || isDNS1123Subdomain(name).length > 0) return undefined;
  return { namespace, name };
}

/** Go's url.PathUnescape: %XX decoded byte-wise; a malformed escape leaves the key as it came. */
function pathUnescape(encoded: string): string {
  if (!encoded.includes("%")) return encoded;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c === 0x25) {
      const hex = encoded.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return encoded;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(c); // header names are ASCII tokens
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** fmt's %v of []v1.ObjectReference: `[{Kind Namespace Name UID APIVersion ResourceVersion FieldPath} ...]`. */
function goFormatReferences(requests: ImpersonationRequest[]): string {
  const one = (r: ImpersonationRequest) => `{${[r.kind, r.namespace, r.name, "", r.apiVersion, "", r.fieldPath].join(" ")}}`;
  return `[${requests.map(one).join(" ")}]`;
}

/** httplog's userString: name (or <empty>) then [groups] when there are any. */
function userString(user: UserInfo): string {
  const name = user.name || "<empty>";
  return user.groups.length > 0 ? `${name}[${user.groups.join(",")}]` : name;
}
