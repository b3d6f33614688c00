import { TsFile } from "../../codegen/ts-file.js";
import type { EmittedFile } from "../../codegen/file.js";
import type { GroupModel, KindModel, VersionModel } from "../../model/types.js";
import type { EmitContext } from "../emitter.js";
import { groupVersionDir } from "../naming.js";
import { deprecationWarning } from "../../model/deprecation.js";

/**
 * `src/<group>/<version>/resources.ts`: one ResourceDefinition per kind, the
 * kind's declared behaviour (names, scope, subresources, columns) joined with
 * its generated validation. A version other than storage gets its conversions
 * when the server starts (the group's conversion.ts, with the project's functions).
 */
export function emitResources(group: GroupModel, version: VersionModel, ctx: EmitContext): EmittedFile {
  const dir = groupVersionDir(group, version);
  const f = new TsFile(`${dir}/resources.ts`);
  const runtime = { module: ctx.runtimeModule };
  const defineResource = f.import("defineResource", runtime);
  const ResourceDefinition = f.importType("ResourceDefinition", runtime);
  for (const kind of version.kinds) {
    const validation = f.import(`${kind.name}Validation`, { file: `${dir}/validation.ts` });
    const protobuf = f.import(`${kind.name}Protobuf`, { file: `${dir}/protobuf.ts` });
    f.jsDoc(`${kind.name} as served at /apis/${group.name}/${version.name}/${kind.plural}.`);
    const defined = `${defineResource}(${JSON.stringify(resourceMetadata(group, version, kind))}, ${validation}, ${protobuf})`;
    f.print(`export const ${kind.name}Resource: ${ResourceDefinition} = ${defined};`, "");
  }
  f.jsDoc(`Every kind of ${group.name}/${version.name}.`);
  f.print(`export const resources: ${ResourceDefinition}[] = [${version.kinds.map((k) => `${k.name}Resource`).join(", ")}];`);
  return f.toFile();
}

function resourceMetadata(group: GroupModel, version: VersionModel, kind: KindModel) {
  const { subresources: sub } = kind;
  const warning = deprecationWarning(group, version, kind.name);
  return {
    group: group.name,
    version: version.name,
    kind: kind.name,
    listKind: kind.listKind,
    plural: kind.plural,
    singular: kind.singular,
    namespaced: kind.scope === "Namespaced",
    shortNames: kind.shortNames,
    categories: kind.categories,
    subresources: {
      status: sub.status,
      ...(sub.scale ? { scale: withoutSource(sub.scale) } : {}),
      log: sub.log,
      exec: sub.exec,
      custom: sub.custom,
      ...(sub.pods ? { pods: sub.pods } : {}),
    },
    printColumns: kind.printColumns.map(withoutSource),
    selectableFields: kind.selectableFields,
    ...(warning !== undefined ? { deprecationWarning: warning } : {}),
  };
}

/** Source locations are for diagnostics; the server does not need them. */
function withoutSource<T extends object>(value: T): Omit<T, "source"> {
  const { source: _source, ...rest } = value as T & { source?: unknown };
  return rest;
}
