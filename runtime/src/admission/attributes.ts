/** Building admission attributes from what a handler has. */
import type { RequestInfo, UserInfo } from "../api/request.js";
import type { AdmissionAttributes, AdmissionObject, GroupVersionKind, Operation } from "./types.js";

export interface AttributesInput {
  operation: Operation;
  info: RequestInfo;
  user: UserInfo;
  query?: URLSearchParams;
  /** The kind, in the request's group and version; or a whole GroupVersionKind (a subresource's own kind, e.g. autoscaling/v1 Scale). */
  kind: string | GroupVersionKind;
  object?: AdmissionObject;
  oldObject?: AdmissionObject;
  options?: unknown;
}

/** Resource, namespace and name from the request info; dryRun from `?dryRun=All`. */
export function admissionAttributes(input: AttributesInput): AdmissionAttributes {
  const { info } = input;
  return {
    operation: input.operation,
    object: input.object,
    oldObject: input.oldObject,
    name: info.name || input.object?.metadata?.name || "",
    namespace: info.namespace,
    resource: { group: info.apiGroup, version: info.apiVersion, resource: info.resource, subresource: info.subresource },
    kind: typeof input.kind === "string" ? { group: info.apiGroup, version: info.apiVersion, kind: input.kind } : input.kind,
    user: input.user,
    dryRun: input.query?.getAll("dryRun").includes("All") ?? false,
    options: input.options,
  };
}
