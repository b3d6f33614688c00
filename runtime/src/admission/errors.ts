/** Admission denials worded as kube's admission.NewForbidden (AS pkg/admission/errors.go). */
import { errors, StatusError } from "../api/status.js";
import type { AdmissionAttributes } from "./types.js";

/** The name kube reports: the request's, else the object's (admission extractResourceName). */
export function admissionName(attrs: AdmissionAttributes): string {
  return attrs.name || attrs.object?.metadata?.name || "";
}

/**
 * `<resource>.<group> "<name>" is forbidden: <message>`, details {name, group,
 * kind: resource}; a StatusError that is already Forbidden (or any other
 * StatusError the plugin chose) passes through unchanged.
 */
export function admissionForbidden(attrs: AdmissionAttributes, err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const { group, resource } = attrs.resource;
  const name = admissionName(attrs);
  const qualified = group ? `${resource}.${group}` : resource;
  const subject = name ? `${qualified} "${name}"` : qualified;
  const details: { name?: string; group?: string; kind?: string } = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (resource) details.kind = resource;
  return errors.forbidden(`${subject} is forbidden: ${message}`, details);
}
