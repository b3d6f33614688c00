/**
 * The /scale subresource as apiextensions serves it for custom resources:
 * autoscaling/v1 Scale read from and written to the paths of the ScaleDefinition.
 */
import type { ScaleDefinition } from "../api/resource.js";
import { errors } from "../api/status.js";
import type { KubeObject } from "../apimachinery/object.js";
import { fieldError } from "../validation/field-errors.js";

type Obj = Record<string, unknown>;

function segments(path: string): string[] {
  return path.replace(/^\./, "").split(".").filter(Boolean);
}

function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const s of segments(path)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Obj)[s];
  }
  return cur;
}

function setPath(obj: Obj, path: string, value: unknown): void {
  const segs = segments(path);
  let cur = obj;
  for (const s of segs.slice(0, -1)) {
    if (cur[s] === null || typeof cur[s] !== "object" || Array.isArray(cur[s])) cur[s] = {};
    cur = cur[s] as Obj;
  }
  cur[segs[segs.length - 1]] = value;
}

export interface Scale {
  kind: "Scale";
  apiVersion: "autoscaling/v1";
  metadata: Obj;
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

/** Whether `obj` holds a value at the kind's specReplicasPath (unstructured.NestedInt64's found). */
export function hasSpecReplicas(def: ScaleDefinition, obj: KubeObject): boolean {
  return getPath(obj, def.specReplicasPath) !== undefined;
}

export function toScale(def: ScaleDefinition, obj: KubeObject): Scale {
  const m = obj.metadata as Obj;
  const metadata: Obj = { name: m.name };
  if (m.namespace) metadata.namespace = m.namespace;
  metadata.uid = m.uid;
  metadata.resourceVersion = m.resourceVersion;
  metadata.creationTimestamp = m.creationTimestamp;
  const spec = getPath(obj, def.specReplicasPath);
  const status = getPath(obj, def.statusReplicasPath);
  const scale: Scale = {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata,
    spec: {},
    status: { replicas: typeof status === "number" ? Math.trunc(status) : 0 },
  };
  // int32 `replicas,omitempty`
  if (typeof spec === "number" && spec !== 0) scale.spec.replicas = Math.trunc(spec);
  if (def.labelSelectorPath) {
    const sel = getPath(obj, def.labelSelectorPath);
    if (typeof sel === "string" && sel) scale.status.selector = sel;
  }
  return scale;
}

/** Validates a Scale from a client (autoscaling validation) and decodes spec.replicas. */
export function scaleReplicas(scale: Obj, name: string): number {
  const spec = scale.spec as Obj | undefined;
  const r = spec?.replicas ?? 0;
  if (typeof r !== "number" || !Number.isInteger(r)) {
    throw errors.badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof r} into Go struct field ScaleSpec.spec.replicas of type int32`);
  }
  if (r < 0) {
    throw errors.invalid("autoscaling", "Scale", name, [fieldError.invalid("spec.replicas", r, "must be greater than or equal to 0")]);
  }
  return r;
}

export function applyScale(def: ScaleDefinition, obj: KubeObject, replicas: number): void {
  setPath(obj as Obj, def.specReplicasPath, replicas);
}
