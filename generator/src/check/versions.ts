/** A group has exactly one storage version; every kind has a spec type that exists. */
import type { ApiModel } from "../model/types.js";
import type { DiagnosticBag } from "./diagnostic.js";

export function checkVersions(model: ApiModel, diags: DiagnosticBag): void {
  for (const group of model.groups) {
    const storage = group.versions.filter((v) => v.storage);
    for (const extra of storage.slice(1)) {
      diags.report(extra.source, "storage-version", `group ${group.name} has more than one storage version (${storage.map((v) => v.name).join(", ")})`, "keep @storageVersion in the index.ts of exactly one version");
    }
    if (storage.length === 0 && group.versions.length > 0) {
      diags.report(group.versions[0].source, "storage-version", `group ${group.name} has no storage version`, `add @storageVersion to the doc comment of one version's index.ts, e.g. ${group.name}/${group.versions[0].name}/index.ts`);
    }
    for (const v of group.versions)
      for (const k of v.kinds) {
        if (!k.spec || !model.types[k.spec])
          diags.report(k.source, "kind-without-spec", `kind ${k.name} has no spec type`, `write extends Resource<${k.name}Spec, ${k.name}Status>`);
        if (k.status && !model.types[k.status])
          diags.report(k.source, "kind-without-spec", `kind ${k.name} refers to a missing status type ${k.status}`, "declare the status interface");
      }
  }
}
