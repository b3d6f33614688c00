/**
 * Where a declaration comes from decides how it is named and read: the user's
 * definitions (group/version from the folder), the skai-gen prelude, or
 * `kubernetes-types` (upstream names, descriptions only, quirks from the table).
 */
import { dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceFile } from "ts-morph";
import type { Constraints, TypeNode } from "../model/types.js";

export type Place =
  | { kind: "definitions"; group: string; version: string }
  | { kind: "prelude" }
  | { kind: "kubernetes"; module: string }
  | { kind: "other" };

/** Prelude scalar aliases and their schema shapes. Duration is a plain string, as in CRDs. */
export const PRELUDE_SCALARS: Record<string, { type: TypeNode; constraints?: Constraints }> = {
  int32: { type: { kind: "integer", format: "int32" } },
  int64: { type: { kind: "integer", format: "int64" } },
  float64: { type: { kind: "number", format: "double" } },
  Quantity: { type: { kind: "intOrString", quantity: true } },
  IntOrString: { type: { kind: "intOrString", quantity: false } },
  Time: { type: { kind: "time", micro: false } },
  MicroTime: { type: { kind: "time", micro: true } },
  Duration: { type: { kind: "string" } },
};

/** Prelude object types stand for upstream types: the `kubernetes-types` module they mirror. */
export const PRELUDE_OBJECTS: Record<string, string> = {
  ObjectMeta: "meta/v1",
  OwnerReference: "meta/v1",
  ManagedFieldsEntry: "meta/v1",
  Condition: "meta/v1",
  LabelSelector: "meta/v1",
  LabelSelectorRequirement: "meta/v1",
  ObjectReference: "core/v1",
  LocalObjectReference: "core/v1",
};

/** The prelude this generator ships (src/read and dist/read are both two levels below it). */
const OWN_PRELUDE = resolve(dirname(fileURLToPath(import.meta.url)), "../../definitions.d.ts");

export class Places {
  private readonly preludes = new Set<string>([OWN_PRELUDE]);

  constructor(private readonly definitionsDir: string) {}

  /** Another copy of the prelude, found by resolving `skai-gen/definitions` from a definition file. */
  addPrelude(path: string): void {
    this.preludes.add(resolve(path));
  }

  of(sf: SourceFile): Place {
    const path = resolve(sf.getFilePath());
    if (this.preludes.has(path)) return { kind: "prelude" };
    const k8s = /[\\/]node_modules[\\/]kubernetes-types[\\/](.+)\.d\.ts$/.exec(path);
    if (k8s) return { kind: "kubernetes", module: k8s[1].split(/[\\/]/).join("/") };
    const rel = relative(this.definitionsDir, path);
    const parts = rel.split(sep);
    if (!rel.startsWith("..") && parts.length >= 3) return { kind: "definitions", group: parts[0], version: parts[1] };
    return { kind: "other" };
  }
}
