import type { ApiModel, GroupModel } from "../../model/types.js";

/** `skai.io` -> `skai`, `ml-platform.skai.io` -> `mlPlatform`: the group's first DNS label, camelCased. */
function shortGroup(group: string): string {
  return camel(group.split(".")[0] ?? group);
}

function camel(s: string): string {
  return s.replace(/[-_.]+([a-z0-9])/gi, (_, c: string) => c.toUpperCase()).replace(/^[A-Z]/, (c) => c.toLowerCase());
}

export function pascal(s: string): string {
  const c = camel(s);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

/**
 * Accessor names per group (client-gen's `SkaiV1alpha1()`): the first label of
 * the group, or the whole group camelCased when two groups share a first label.
 */
export function groupAccessors(model: ApiModel): Map<string, string> {
  const counts = new Map<string, number>();
  for (const g of model.groups) counts.set(shortGroup(g.name), (counts.get(shortGroup(g.name)) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const g of model.groups) out.set(g.name, counts.get(shortGroup(g.name))! > 1 ? camel(g.name) : shortGroup(g.name));
  return out;
}

/** `skaiV1alpha1` */
export function gvAccessor(accessors: Map<string, string>, g: GroupModel, version: string): string {
  return `${accessors.get(g.name)!}${pascal(version)}`;
}

/** Where the group-version client module goes in the generated package. */
export function gvClientPath(group: string, version: string): string {
  return `src/client/${group}/${version}.ts`;
}
