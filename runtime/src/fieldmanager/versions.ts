/**
 * Managers that wrote through another served version own paths of that version: their
 * sets are compared against the change converted to their version, as merge.Updater
 * does with its converter. ServedVersions knows the definitions of every served version
 * of every kind (what kube's field manager learns from the Scheme), so a write in one
 * version can find the conversions and schema of the others.
 */
import type { ResourceDefinition, StructuralSchema } from "../api/resource.js";
import { losslessConversion } from "../conversion/lossless.js";
import type { ConvertFunc } from "../conversion/types.js";
import { objectSchema } from "./schema.js";

type Obj = Record<string, unknown>;

export interface VersionView {
  schema: StructuralSchema;
  convert: ConvertFunc;
}

const apiVersionOf = (def: ResourceDefinition): string => (def.group ? `${def.group}/${def.version}` : def.version);

/** `<group>/<kind>` for an apiVersion's group: joined, a flat Map key (per request; split and `+` cost runtime calls). */
function kindKey(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf("/");
  return [slash < 0 ? "" : apiVersion.slice(0, slash), kind].join("/");
}

export class ServedVersions {
  /** `group/kind` -> apiVersion -> definition. */
  private readonly kinds = new Map<string, Map<string, ResourceDefinition>>();

  constructor(defs: readonly ResourceDefinition[]) {
    for (const def of defs) {
      const key = [def.group, def.kind].join("/");
      let versions = this.kinds.get(key);
      if (!versions) this.kinds.set(key, (versions = new Map()));
      versions.set(apiVersionOf(def), def);
    }
  }

  /** The definition of `kind` served as `apiVersion`. */
  definition(kind: string, apiVersion: string): ResourceDefinition | undefined {
    return this.kinds.get(kindKey(apiVersion, kind))?.get(apiVersion);
  }

  /** How to see an object of `from` in `to`; undefined when either version is not served. */
  view(kind: string, from: string, to: string): VersionView | undefined {
    const versions = this.kinds.get(kindKey(from, kind));
    const src = versions?.get(from);
    const dst = versions?.get(to);
    if (!src || !dst) return undefined;
    const storage = src.conversion?.storageVersion ?? src.version;
    if ((dst.conversion?.storageVersion ?? dst.version) !== storage) return undefined;
    // hub and spoke through the storage version, keeping fields with no home as storage.ts does
    const up: ConvertFunc = src.conversion
      ? losslessConversion(src.group, src.version, storage, src.conversion.toStorage, src.conversion.fromStorage)
      : (o) => o;
    const down: ConvertFunc = dst.conversion
      ? losslessConversion(src.group, storage, dst.version, dst.conversion.fromStorage, dst.conversion.toStorage)
      : (o) => o;
    return { schema: objectSchema(dst.schema), convert: (o: Obj) => down(up(o)) };
  }
}
