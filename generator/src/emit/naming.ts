import type { GroupModel, VersionModel } from "../model/types.js";

/** `skai.io`, `v1alpha1` -> `skaiV1alpha1`, as client-go names group-version accessors. */
export function groupVersionIdentifier(group: GroupModel, version: VersionModel): string {
  const head = group.name.split(".")[0].replace(/[^A-Za-z0-9]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());
  return head + version.name[0].toUpperCase() + version.name.slice(1);
}

/** Folder of a group-version inside the generated package's src/. */
export function groupVersionDir(group: GroupModel, version: VersionModel): string {
  return `src/${group.name}/${version.name}`;
}

/** Every served group-version of the model, in model order. */
export function servedVersions(groups: GroupModel[]): Array<{ group: GroupModel; version: VersionModel }> {
  return groups.flatMap((group) => group.versions.filter((v) => v.served).map((version) => ({ group, version })));
}
