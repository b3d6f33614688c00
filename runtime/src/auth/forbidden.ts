/**
 * The 403 kube-apiserver sends when authorization says no, worded as
 * AS endpoints/handlers/responsewriters/errors.go Forbidden + apimachinery
 * errors.NewForbidden (wire-spec §7).
 */
import type { RequestInfo } from "../api/request.js";
import { errors, type StatusError } from "../api/status.js";

function forbiddenMessage(user: string, info: RequestInfo): string {
  if (!info.isResourceRequest) return `User "${user}" cannot ${info.verb} path "${info.path}"`;
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const where = info.namespace ? `in the namespace "${info.namespace}"` : "at the cluster scope";
  return `User "${user}" cannot ${info.verb} resource "${resource}" in API group "${info.apiGroup}" ${where}`;
}

export function forbiddenError(user: string, info: RequestInfo, reason: string): StatusError {
  const msg = forbiddenMessage(user, info);
  const err = reason ? `${msg}: ${reason}` : msg;
  const group = info.isResourceRequest ? info.apiGroup : "";
  const resource = info.isResourceRequest ? info.resource : "";
  if (!group && !resource) return errors.forbidden(`forbidden: ${err}`, {});
  const qualified = group ? `${resource}.${group}` : resource;
  const subject = info.name ? `${qualified} "${info.name}"` : qualified;
  const details: { name?: string; group?: string; kind?: string } = {};
  // Go's StatusDetails omits empty name/group/kind.
  if (info.name) details.name = info.name;
  if (group) details.group = group;
  if (resource) details.kind = resource;
  return errors.forbidden(`${subject} is forbidden: ${err}`, details);
}
