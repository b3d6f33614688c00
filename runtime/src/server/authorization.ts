/**
 * Authorization. An Authorizer decides on (user, request attributes); the
 * default allows every authenticated user. A denial is written as kube's
 * Forbidden Status (endpoints/handlers/responsewriters/errors.go).
 */
import type { RequestInfo, UserInfo } from "../api/request.js";
import { errors, type StatusError } from "../api/status.js";

export interface Decision {
  allowed: boolean;
  /** Appended to the Forbidden message, as kube does with the authorizer's reason. */
  reason?: string;
}

/** `query` carries the label and field selectors kube 1.32 puts in SubjectAccessReviews. */
export type Authorizer = (user: UserInfo, info: RequestInfo, query: URLSearchParams) => Decision | Promise<Decision>;

export const allowAll: Authorizer = () => ({ allowed: true });

/** system:masters is always allowed, before any authorizer is asked (kube's privileged group authorizer). */
export const PRIVILEGED_GROUP = "system:masters";

/** responsewriters.forbiddenMessage + apierrors.NewForbidden. */
export function forbidden(user: UserInfo, info: RequestInfo, reason?: string): StatusError {
  let msg: string;
  if (!info.isResourceRequest) {
    msg = `User ${JSON.stringify(user.name)} cannot ${info.verb} path ${JSON.stringify(info.path)}`;
  } else {
    const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
    const where = info.namespace ? `in the namespace ${JSON.stringify(info.namespace)}` : "at the cluster scope";
    msg = `User ${JSON.stringify(user.name)} cannot ${info.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(info.apiGroup)} ${where}`;
  }
  if (reason) msg = `${msg}: ${reason}`;
  const group = info.isResourceRequest ? info.apiGroup : "";
  const resource = info.isResourceRequest ? info.resource : "";
  let message: string;
  if (!group && !resource) message = `forbidden: ${msg}`;
  else {
    const qualified = group ? `${resource}.${group}` : resource;
    message = info.name ? `${qualified} ${JSON.stringify(info.name)} is forbidden: ${msg}` : `${qualified} is forbidden: ${msg}`;
  }
  return errors.forbidden(message, { name: info.name || undefined, group: group || undefined, kind: resource || undefined });
}

/**
 * The decision on the same request with another verb, as kube's pod registry
 * asks it (ensureAuthorizedForVerb with overrideVerb attributes): system:masters
 * is allowed as always, everyone else goes to the authorizer.
 */
export async function decideWithVerb(authorize: Authorizer, user: UserInfo, info: RequestInfo, query: URLSearchParams, verb: string): Promise<Decision> {
  if (user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true };
  return authorize(user, { ...info, verb }, query);
}
