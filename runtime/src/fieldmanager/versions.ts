/**
 * Managers that wrote through another served version own paths of that version: their
 * sets are compared against the change converted to their version, as merge.Updater
 * does with its converter. Definitions register here (from createScope) so a write in
 * one version can find the conversions and schema of the others.
 */
import type { ResourceDefinition, StructuralSchema } from "../api/resource.js";
import { losslessConversion } from "../conversion/lossless.js";
import type { ConvertFunc } from "../conversion/types.js";
import { objectSchema } from "./schema.js";

type Obj = Record<string, unknown>;

const defs = new Map<string, Map<string, ResourceDefinition>>();

const apiVersionOf = (def: ResourceDefinition): string => (def.group ? `${def.group}/${def.version}` : def.version);

export function registerDefinition(def: ResourceDefinition): void {
  const key = `${def.group}/${def.kind}`;
  let m = defs.get(key);
  if (!m) defs.set(key, (m = new Map()));
  m.set(apiVersionOf(def), def);
}

export interface VersionView {
  schema: StructuralSchema;
  convert: ConvertFunc;
}

/** How to see an object of `from` in `to`; undefined when either version is unknown. */
export function versionView(kind: string, from: string, to: string): VersionView | undefined {
  const group = from.includes("/") ? from.split("/")[0] : "";
  const m = defs.get(`${group}/${kind}`);
  const src = m?.get(from);
  const dst = m?.get(to);
  if (!src || !dst) return undefined;
  const storage = src.conversion?.storageVersion ?? src.version;
  if ((dst.conversion?.storageVersion ?? dst.version) !== storage) return undefined;
  // hub and spoke through the storage version, keeping fields with no home as storage.ts does
  const up: ConvertFunc = src.conversion
    ? losslessConversion(group, src.version, storage, src.conversion.toStorage, src.conversion.fromStorage)
    : (o) => o;
  const down: ConvertFunc = dst.conversion
    ? losslessConversion(group, storage, dst.version, dst.conversion.fromStorage, dst.conversion.toStorage)
    : (o) => o;
  return { schema: objectSchema(dst.schema), convert: (o: Obj) => down(up(o)) };
}
