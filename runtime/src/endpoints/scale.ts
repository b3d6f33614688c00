/**
 * /scale (autoscaling/v1 Scale) as apiextensions serves it (ScaleREST): GET, and every
 * write (PUT, PATCH, server-side apply) through one path that runs the field manager on
 * the Scale and keeps the result on the object's managedFields.
 */
import { scaleAdmission } from "./admission.js";
import type { RequestContext } from "../api/request.js";
import { errors } from "../api/status.js";
import { deepCopyJSON } from "../apimachinery/deepcopy.js";
import type { KubeObject } from "../apimachinery/object.js";
import { applyConfig, recordWrite } from "../fieldmanager/index.js";
import { SCALE_SCOPE, ScaleManagedFields, type ReplicasPathOf } from "../fieldmanager/scale.js";
import { managerName } from "../registry/managedfields.js";
import { applyScale, hasSpecReplicas, scaleReplicas, toScale } from "../registry/scale.js";
import { goQuote } from "../validation/go-format.js";
import { decodeApplyConfig } from "./apply.js";
import { checkTypeMeta, readDecoded } from "./decode.js";
import type { Env } from "./env.js";
import { parseWriteQuery, type WriteQuery } from "./options.js";
import type { OutputTarget } from "./negotiation.js";
import { writeValue } from "./output.js";
import { outputFor } from "./read.js";
import { checkName } from "./write.js";

type Obj = Record<string, unknown>;
type Preconditions = { uid: string };

function scaleDef(env: Env, name: string) {
  const def = env.scope.def.subresources.scale;
  if (!def) throw errors.notFound(env.scope.gr, name);
  return def;
}

export async function handleGetScale(ctx: RequestContext, env: Env): Promise<void> {
  const def = scaleDef(env, ctx.info.name);
  const target = outputFor(ctx);
  const obj = await env.store.get(ctx.info.namespace, ctx.info.name);
  // apiextensions' ScaleREST.Get: a Scale needs the replicas it scales.
  if (!hasSpecReplicas(def, obj)) throw errors.internal(`the spec replicas field ${goQuote(def.specReplicasPath)} does not exist`);
  writeValue(ctx, 200, toScale(def, obj), { ...target, convert: undefined });
}

/** The specReplicasPath of every served version of the kind (kube's ResourcePathMappings). */
function replicasPaths(env: Env): ReplicasPathOf {
  const { versions, def } = env.scope;
  return (apiVersion) => {
    const served = versions.definition(def.kind, apiVersion);
    return served && (served.subresources.scale?.specReplicasPath ?? null);
  };
}

/**
 * ScaleREST.Update with scaleUpdatedObjectInfo: `change` turns the stored object's Scale,
 * carrying the managers of its replicas, into the new Scale with its managers recorded;
 * the new replicas and any resourceVersion (a precondition) go to the object, the managers
 * back onto its managedFields. Answers with the Scale of the stored result.
 */
async function writeScale(
  ctx: RequestContext,
  env: Env,
  target: OutputTarget,
  wq: WriteQuery,
  change: (old: Obj) => Obj,
  preconditions?: Preconditions,
): Promise<void> {
  const def = scaleDef(env, ctx.info.name);
  const { name, namespace } = ctx.info;
  const updated = await env.store.update(
    namespace,
    name,
    "",
    (current) => {
      const managed = new ScaleManagedFields(current.metadata.managedFields, env.scope.apiVersion, def.specReplicasPath, replicasPaths(env));
      const old = toScale(def, current);
      old.metadata.managedFields = managed.toSubresource();
      const scale = change(old as unknown as Obj);
      const meta = (scale.metadata ?? {}) as Obj;
      checkName(scale as unknown as KubeObject, name, namespace);
      applyScale(def, current, scaleReplicas(scale, name));
      if (typeof meta.resourceVersion === "string" && meta.resourceVersion) current.metadata.resourceVersion = meta.resourceVersion;
      const entries = managed.toParent(meta.managedFields);
      if (entries.length) current.metadata.managedFields = entries;
      else delete current.metadata.managedFields;
      return current;
    },
    {
      dryRun: wq.dryRun,
      fieldManager: wq.fieldManager,
      userAgent: ctx.req.headers["user-agent"],
      admission: scaleAdmission(ctx, env, def),
      // the Scale's field manager recorded the write; the object's must not record it again
      applied: true,
      preconditions,
    },
  );
  writeValue(ctx, 200, toScale(def, updated), { ...target, convert: undefined });
}

/** A PUT or non-apply PATCH of /scale: `change` gives the client's Scale; its manager is recorded as an Update of the Scale. */
export function updateScale(
  ctx: RequestContext,
  env: Env,
  target: OutputTarget,
  wq: WriteQuery,
  change: (old: Obj) => Obj,
  preconditions?: Preconditions,
): Promise<void> {
  const manager = managerName(wq.fieldManager, ctx.req.headers["user-agent"]);
  return writeScale(
    ctx,
    env,
    target,
    wq,
    (old) => {
      // patches change their document in place; the field manager compares with the old
      const scale = change(deepCopyJSON(old));
      recordWrite(scale, old, manager, SCALE_SCOPE);
      return scale;
    },
    preconditions,
  );
}

/** Server-side apply of a Scale (client-go ApplyScale): conflicts, force and ownership as on any apply, in Scale's terms. */
export function applyToScale(ctx: RequestContext, env: Env, target: OutputTarget, data: Buffer, wq: WriteQuery): Promise<void> {
  const config = decodeApplyConfig(data).config;
  return writeScale(ctx, env, target, wq, (old) => applyConfig(old, config, wq.fieldManager, wq.force, SCALE_SCOPE));
}

export async function handleUpdateScale(ctx: RequestContext, env: Env): Promise<void> {
  scaleDef(env, ctx.info.name);
  const target = outputFor(ctx);
  let wq!: WriteQuery;
  const { data, decoded } = await readDecoded(ctx, env, "Scale", () => (wq = parseWriteQuery(ctx.query, "UpdateOptions")));
  const scale = checkTypeMeta(decoded.value, data, { kind: "Scale", apiVersion: "autoscaling/v1", version: "v1" });
  checkName(scale, ctx.info.name, ctx.info.namespace);
  // apiextensions' scaleUpdatedObjectInfo.Preconditions: the Scale body's uid, as for PUT
  const preconditions = scale.metadata.uid ? { uid: scale.metadata.uid } : undefined;
  await updateScale(ctx, env, target, wq, () => scale as unknown as Obj, preconditions);
}
