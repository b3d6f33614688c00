/** A group has exactly one storage version; every kind has a spec type that exists. */
import type { ApiModel, GroupModel, KindModel, VersionModel } from "../model/types.js";
import type { DiagnosticBag } from "../model/diagnostic.js";

export function checkVersions(model: ApiModel, diags: DiagnosticBag): void {
  for (const group of model.groups) {
    const storage = group.versions.filter((v) => v.storage);
    for (const extra of storage.slice(1)) {
      diags.report(extra.source, "storage-version", `group ${group.name} has more than one storage version (${storage.map((v) => v.name).join(", ")})`, "keep @storageVersion in the index.ts of exactly one version");
    }
    if (storage.length === 0 && group.versions.length > 0) {
      diags.report(group.versions[0].source, "storage-version", `group ${group.name} has no storage version`, `add @storageVersion to the doc comment of one version's index.ts, e.g. ${group.name}/${group.versions[0].name}/index.ts`);
    }
    const storageVersion = storage.length === 1 ? storage[0] : undefined;
    if (storageVersion && !storageVersion.served)
      diags.report(storageVersion.source, "storage-version", `the storage version ${group.name}/${storageVersion.name} is not served`, "remove @served false from the storage version, or store another version");
    checkKindsAcrossVersions(group, storageVersion, diags);
    for (const v of group.versions)
      for (const k of v.kinds) {
        if (!k.spec || !model.types[k.spec])
          diags.report(k.source, "kind-without-spec", `kind ${k.name} has no spec type`, `write extends Resource<${k.name}Spec, ${k.name}Status>`);
        if (k.status && !model.types[k.status])
          diags.report(k.source, "kind-without-spec", `kind ${k.name} refers to a missing status type ${k.status}`, "declare the status interface");
      }
  }
}

/**
 * A kind's names and scope belong to the resource, not to a version, and every
 * kind must exist in the storage version so that other versions can convert to it.
 */
function checkKindsAcrossVersions(group: GroupModel, storage: VersionModel | undefined, diags: DiagnosticBag): void {
  const first = new Map<string, { kind: KindModel; version: string }>();
  for (const v of group.versions)
    for (const k of v.kinds) {
      const seen = first.get(k.name);
      if (!seen) {
        first.set(k.name, { kind: k, version: v.name });
      } else {
        const f = seen.kind;
        const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
        const differs = (["plural", "singular", "scope", "shortNames", "categories"] as const).filter((p) => !same(f[p], k[p]));
        if (differs.length)
          diags.report(k.source, "inconsistent-kind", `kind ${k.name} in ${group.name}/${v.name} has a different ${differs.join(", ")} than in ${seen.version}`, "scope, plural, singular, short names and categories must be the same in every version");
      }
      if (storage && v !== storage && !storage.kinds.some((s) => s.name === k.name))
        diags.report(k.source, "kind-missing-in-storage-version", `kind ${k.name} of ${group.name}/${v.name} is missing from the storage version ${storage.name}`, `declare ${k.name} in ${group.name}/${storage.name} too, or make ${v.name} the storage version`);
    }
}
