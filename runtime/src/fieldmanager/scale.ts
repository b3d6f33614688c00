/**
 * Ownership of the replicas field through /scale (apimachinery util/managedfields
 * scalehandler.go): the field manager of a /scale write works on the autoscaling/v1
 * Scale, seeing as owners of its spec.replicas the object's managers that own the kind's
 * replicas path; what it decides is mapped back onto the object's managedFields, where
 * kube keeps it (a Scale is never stored).
 */
import type { StructuralSchema } from "../api/resource.js";
import type { Scope } from "./index.js";
import { decodeManagedFields, encodeManagedFields, type ManagedFieldsEntry, type ManagerSet } from "./managers.js";
import { fieldPE } from "./pathelement.js";
import { FieldSet } from "./set.js";

const SCALE_API_VERSION = "autoscaling/v1";
const REPLICAS_IN_SCALE = [fieldPE("spec"), fieldPE("replicas")];

const int32: StructuralSchema = { type: "integer", format: "int32" };

/** What the field manager of a /scale write needs to know of autoscaling/v1 Scale (no reset fields, as apiextensions installs it). */
export const SCALE_SCOPE: Scope = {
  schema: {
    type: "object",
    properties: {
      spec: { type: "object", properties: { replicas: int32 } },
      status: { type: "object", properties: { replicas: int32, selector: { type: "string" } } },
    },
  },
  apiVersion: SCALE_API_VERSION,
  kind: "Scale",
  subresource: "scale",
  hasStatus: false,
};

/**
 * The kind's specReplicasPath (`.spec.replicas`) in one of its versions: null for a served
 * version without /scale, undefined for a version not served (kube's ResourcePathMappings).
 */
export type ReplicasPathOf = (apiVersion: string) => string | null | undefined;

function fieldPath(jsonPath: string): string[] {
  return jsonPath.replace(/^\./, "").split(".").map(fieldPE);
}

/** ScaleHandler: the managedFields of one object, seen from and brought back from its Scale. */
export class ScaleManagedFields {
  private readonly parent: Map<string, ManagerSet>;

  /**
   * `parentEntries`: the stored object's managedFields; `apiVersion` and `replicasPath`: the
   * version the request came through and its specReplicasPath.
   */
  constructor(
    parentEntries: unknown,
    private readonly apiVersion: string,
    private readonly replicasPath: string,
    private readonly replicasPathOf: ReplicasPathOf,
  ) {
    this.parent = decodeManagedFields(parentEntries);
  }

  private pathIn(apiVersion: string): string[] | null | undefined {
    const p = this.replicasPathOf(apiVersion);
    return typeof p === "string" ? fieldPath(p) : p;
  }

  /** ToSubresource: the managers owning the replicas path, as owners of the Scale's spec.replicas. */
  toSubresource(): ManagedFieldsEntry[] {
    const out = new Map<string, ManagerSet>();
    for (const [key, m] of this.parent) {
      const path = this.pathIn(m.apiVersion);
      if (path && m.set.has(path)) out.set(key, { ...m, apiVersion: SCALE_API_VERSION, set: FieldSet.of(REPLICAS_IN_SCALE) });
    }
    return encodeManagedFields(out);
  }

  /**
   * ToParent: the object's managers with the replicas path given to the Scale's owners of
   * spec.replicas. Managers are matched by kube's manager identity, which for an Update
   * includes its apiVersion: an Update manager of the object therefore never matches its
   * Scale-side self, loses the path and reappears as a second entry owning it, as in kube.
   * Entries that come from the Scale carry the time of the object's entry of the same
   * identity (in practice none), as kube's do.
   */
  toParent(scaleEntries: unknown): ManagedFieldsEntry[] {
    const scale = decodeManagedFields(scaleEntries);
    const out = new Map<string, ManagerSet>();
    for (const [key, m] of this.parent) {
      const path = this.pathIn(m.apiVersion);
      // a version no longer served: kube drops the entry
      if (path === undefined) continue;
      if (path === null || !m.set.has(path)) {
        out.set(key, m);
        continue;
      }
      // the Scale's field manager left this manager its ownership of the replicas
      if (scale.delete(key)) {
        out.set(key, m);
        continue;
      }
      const rest = m.set.difference(FieldSet.of(path));
      if (!rest.empty()) out.set(key, { ...m, set: rest });
    }
    const own = fieldPath(this.replicasPath);
    for (const [key, m] of scale) {
      if (!m.set.has(REPLICAS_IN_SCALE)) continue;
      out.set(key, { ...m, apiVersion: this.apiVersion, time: this.parent.get(key)?.time, set: FieldSet.of(own) });
    }
    return encodeManagedFields(out);
  }
}
