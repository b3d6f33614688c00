/**
 * Key arithmetic for the cacher. Keys are laid out by the registry as
 * `/<group>/<resource>/[<namespace>/]<name>` (registry/scope.ts), so the first two
 * segments name the kind: the unit that gets one backend watch and one cache.
 */
import type { KubeObject } from "../interface.js";

/**
 * `/<group>/<resource>/` of a key or prefix (`/<group>/<resource>` names one too), or undefined
 * when it is not under one. By indexOf: a regular expression on a key built by concatenation
 * goes through V8's runtime on every request.
 */
export function kindPrefix(key: string): string | undefined {
  if (key.charCodeAt(0) !== 47) return undefined;
  const groupEnd = key.indexOf("/", 1);
  if (groupEnd <= 1) return undefined;
  const resourceEnd = key.indexOf("/", groupEnd + 1);
  if (resourceEnd < 0) return groupEnd + 1 < key.length ? key + "/" : undefined;
  return resourceEnd > groupEnd + 1 ? key.slice(0, resourceEnd + 1) : undefined;
}

/** The group and resource a kind prefix (`/<group>/<resource>/`) names. */
export function kindOf(prefix: string): { group: string; resource: string } {
  const [, group = "", resource = ""] = prefix.split("/");
  return { group, resource };
}

/** A recursive prefix always means a directory. */
export function asDir(prefix: string): string {
  return prefix.endsWith("/") ? prefix : prefix + "/";
}

/**
 * The storage key of an object seen in a list or an event of `kind`. Events carry no
 * key, so it is rebuilt as the registry builds it (registry/scope.ts objectKey): the
 * registry sets metadata.namespace exactly for namespaced kinds.
 */
export function objectKey(kind: string, obj: KubeObject): string {
  const m = obj.metadata;
  return m.namespace ? `${kind}${m.namespace}/${m.name ?? ""}` : `${kind}${m.name ?? ""}`;
}
