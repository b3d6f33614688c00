/**
 * The second authorization of a connect request, as kube-apiserver's pod
 * registry makes it for exec, attach and portforward
 * (pkg/registry/core/pod/rest/authorize.go, ensureAuthorizedForVerb): a
 * WebSocket upgrade arrives as a GET and passed the serving layer as `get`, so
 * the same attributes are asked again with verb `create`; SPDY (POST) was
 * already authorized as `create`. A refusal is apierrors.NewForbidden on the
 * parent resource with the authorizer's reason.
 */
import type { RequestContext } from "../api/request.js";
import { errors, StatusError } from "../api/status.js";

export async function ensureAuthorizedForVerb(ctx: RequestContext, verb: string): Promise<void> {
  const { info } = ctx;
  // Already authorized for it by the serving layer.
  if (info.verb === verb) return;
  let decision: { allowed: boolean; reason?: string };
  try {
    if (!ctx.authorizeVerb) throw new Error("no authorizer available");
    decision = await ctx.authorizeVerb(verb);
  } catch (err) {
    throw err instanceof StatusError ? err : errors.internal(err);
  }
  if (decision.allowed) return;
  // NewForbidden(GroupResource{APIGroup, Resource}, Name, errors.New(reason)).
  const qualified = info.apiGroup ? `${info.resource}.${info.apiGroup}` : info.resource;
  const subject = info.name ? `${qualified} ${JSON.stringify(info.name)}` : qualified;
  // Go leaves empty StatusDetails fields out.
  const details: { name?: string; group?: string; kind?: string } = {};
  if (info.name) details.name = info.name;
  if (info.apiGroup) details.group = info.apiGroup;
  if (info.resource) details.kind = info.resource;
  throw errors.forbidden(`${subject} is forbidden: ${decision.reason ?? ""}`, details);
}
