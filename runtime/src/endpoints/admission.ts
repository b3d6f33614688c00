/**
 * Admission for one request: the handler turns the server's AdmissionChain and
 * the request's user and attributes into the callbacks the registry calls at
 * kube's points (mutating after defaulting, validating after the strategy).
 */
import { admissionAttributes } from "../admission/attributes.js";
import type { AdmissionObject, Operation } from "../admission/types.js";
import type { RequestContext } from "../api/request.js";
import type { ScaleDefinition } from "../api/resource.js";
import { applyScale, scaleReplicas, toScale } from "../registry/scale.js";
import type { WriteAdmission } from "../registry/store.js";
import type { KubeObject } from "../apimachinery/object.js";
import type { Env } from "./env.js";

export function writeAdmission(ctx: RequestContext, env: Env, operation: Operation): WriteAdmission | undefined {
  const chain = env.admission;
  if (!chain || chain.plugins.length === 0) return undefined;
  const attrs = (obj: KubeObject, old?: KubeObject) =>
    admissionAttributes({
      operation,
      info: ctx.info,
      user: ctx.user,
      query: ctx.query,
      kind: env.scope.def.kind,
      object: obj as AdmissionObject,
      oldObject: old as AdmissionObject | undefined,
    });
  return {
    mutate: (obj, old) => chain.mutate(attrs(obj, old)),
    validate: (obj, old) => chain.validate(attrs(obj, old)),
  };
}

const SCALE_KIND = { group: "autoscaling", version: "v1", kind: "Scale" };

/**
 * Admission of a /scale write, as apiextensions' ScaleREST runs it: the plugins see the
 * autoscaling/v1 Scales of the new and the stored object, and of what a mutating plugin
 * changes, the replicas reach the object (scaleUpdatedObjectInfo takes nothing else).
 */
export function scaleAdmission(ctx: RequestContext, env: Env, def: ScaleDefinition): WriteAdmission | undefined {
  const chain = env.admission;
  if (!chain || chain.plugins.length === 0) return undefined;
  const attrs = (obj: KubeObject, old?: KubeObject) =>
    admissionAttributes({
      operation: "UPDATE",
      info: ctx.info,
      user: ctx.user,
      query: ctx.query,
      kind: SCALE_KIND,
      object: toScale(def, obj) as unknown as AdmissionObject,
      oldObject: old && (toScale(def, old) as unknown as AdmissionObject),
    });
  return {
    mutate: async (obj, old) => {
      const a = attrs(obj, old);
      await chain.mutate(a);
      applyScale(def, obj, scaleReplicas(a.object!, ctx.info.name));
    },
    validate: (obj, old) => chain.validate(attrs(obj, old)),
  };
}

export function deleteAdmission(ctx: RequestContext, env: Env): { validate(old: KubeObject): Promise<void> } | undefined {
  const chain = env.admission;
  if (!chain || chain.plugins.length === 0) return undefined;
  return {
    validate: (old) =>
      chain.validate(
        admissionAttributes({ operation: "DELETE", info: ctx.info, user: ctx.user, query: ctx.query, kind: env.scope.def.kind, oldObject: old as AdmissionObject }),
      ),
  };
}

/**
 * Admission of a connect request (kube's ConnectResource): operation CONNECT,
 * the options object (e.g. NotebookExecOptions) as the object, mutating then
 * validating, before anything is connected.
 */
export function connectAdmission(ctx: RequestContext, env: Env): ((options: AdmissionObject & { kind: string }) => Promise<void>) | undefined {
  const chain = env.admission;
  if (!chain || chain.plugins.length === 0) return undefined;
  return (options) => chain.admit(admissionAttributes({ operation: "CONNECT", info: ctx.info, user: ctx.user, kind: options.kind, object: options }));
}
