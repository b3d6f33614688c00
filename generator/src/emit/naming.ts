import type { GroupModel, VersionModel } from "../model/types.js";

/**
 * Names every group-version of the API uniquely, as client-gen names its
 * accessors: the group's first DNS label camelCased, or the whole group when
 * another group shares that label, then the version (`skai.io` v1alpha1 ->
 * `skaiV1alpha1`; `ml.a.io` and `ml.b.io` v1 -> `mlAIoV1` and `mlBIoV1`). The
 * client's accessors and classes, the package's type namespaces and the
 * server's imports all take their names from it, so they agree.
 */
export function groupVersionNamer(groups: readonly GroupModel[]): (group: GroupModel, version: VersionModel) => string {
  const firstLabel = (group: GroupModel) => group.name.split(".")[0]!;
  const groupsPerLabel = new Map<string, number>();
  for (const g of groups) groupsPerLabel.set(firstLabel(g), (groupsPerLabel.get(firstLabel(g)) ?? 0) + 1);
  return (group, version) => {
    const shared = (groupsPerLabel.get(firstLabel(group)) ?? 0) > 1;
    return camelCase(shared ? group.name : firstLabel(group)) + version.name[0]!.toUpperCase() + version.name.slice(1);
  };
}

/** `ml-platform.acme.io` -> `mlPlatformAcmeIo`. */
function camelCase(dnsName: string): string {
  return dnsName.replace(/[^A-Za-z0-9]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Folder of a group-version inside the generated package's src/. */
export function groupVersionDir(group: GroupModel, version: VersionModel): string {
  return `src/${group.name}/${version.name}`;
}

/** Every served group-version of the model, in model order. */
export function servedVersions(groups: GroupModel[]): Array<{ group: GroupModel; version: VersionModel }> {
  return groups.flatMap((group) => group.versions.filter((v) => v.served).map((version) => ({ group, version })));
}
