import type { KindModel } from "../../model/types.js";

/** `skai.io` + `v1alpha1` -> `io.skai.v1alpha1`: the definition-name prefix kube uses for CRD-style groups. */
function definitionPrefix(group: string, version: string): string {
  return `${group.split(".").reverse().join(".")}.${version}`;
}

export function kindDefinition(group: string, version: string, kind: string): string {
  return `${definitionPrefix(group, version)}.${kind}`;
}

/**
 * kube's `ToValidOperationID` (apiserver pkg/endpoints/openapi): drops
 * characters that are not letters, `_` or non-leading digits, and capitalises
 * the letter after each dropped one.
 */
function toValidOperationId(s: string, capitalizeFirst: boolean): string {
  let out = "";
  let capitalize = capitalizeFirst;
  [...s].forEach((ch, i) => {
    if (/\p{L}/u.test(ch) || ch === "_" || (i !== 0 && /\p{Nd}/u.test(ch))) {
      out += capitalize ? ch.toUpperCase() : ch;
      capitalize = false;
    } else capitalize = true;
  });
  return out;
}

/** kube trims `.k8s.io` only, so `skai.io` becomes `SkaiIo` in operation ids and `skaiIo_v1alpha1` as tag. */
function groupPart(group: string, capitalize: boolean): string {
  return toValidOperationId(group.replace(/\.k8s\.io$/, ""), capitalize);
}

export function tagFor(group: string, version: string): string {
  return `${groupPart(group, false)}_${toValidOperationId(version, false)}`;
}

/**
 * Operation id as kube's GetOperationIDAndTags builds it: the verb, then the
 * group and version, then the rest of the route name, e.g. verb `list`, rest
 * `NamespacedNotebook` -> `listSkaiIoV1alpha1NamespacedNotebook`.
 */
export function operationId(verb: string, group: string, version: string, rest: string): string {
  return `${verb}${groupPart(group, true)}${toValidOperationId(version, true)}${rest}`;
}

/** `Namespaced` for namespaced kinds, so route names read `readNamespacedNotebook` / `readQueue`. */
export function scopeWord(kind: KindModel): string {
  return kind.scope === "Namespaced" ? "Namespaced" : "";
}
