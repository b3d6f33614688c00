/** GET and PUT of /scale (autoscaling/v1 Scale), as apiextensions serves them. */
import { writeAdmission } from "./admission.js";
import type { RequestContext } from "../api/request.js";
import { errors } from "../api/status.js";
import { OPTIMISTIC_LOCK_MESSAGE } from "../registry/errors.js";
import { applyScale, scaleReplicas, toScale } from "../registry/scale.js";
import { checkTypeMeta, readDecoded } from "./decode.js";
import type { Env } from "./env.js";
import { parseWriteQuery, type WriteQuery } from "./options.js";
import { writeValue } from "./output.js";
import { outputFor } from "./read.js";
import { checkName } from "./write.js";

function scaleDef(env: Env, name: string) {
  const def = env.scope.def.subresources.scale;
  if (!def) throw errors.notFound(env.scope.gr, name);
  return def;
}

export async function handleGetScale(ctx: RequestContext, env: Env): Promise<void> {
  const def = scaleDef(env, ctx.info.name);
  const target = outputFor(ctx);
  const obj = await env.store.get(ctx.info.namespace, ctx.info.name);
  writeValue(ctx, 200, toScale(def, obj), { ...target, convert: undefined });
}

export async function handleUpdateScale(ctx: RequestContext, env: Env): Promise<void> {
  const def = scaleDef(env, ctx.info.name);
  const target = outputFor(ctx);
  let wq!: WriteQuery;
  const { data, decoded } = await readDecoded(ctx, env, "Scale", () => (wq = parseWriteQuery(ctx.query, "UpdateOptions")));
  const scale = checkTypeMeta(decoded.value, data, { kind: "Scale", apiVersion: "autoscaling/v1", version: "v1" });
  const { name, namespace } = ctx.info;
  checkName(scale, name, namespace);
  const replicas = scaleReplicas(scale as Record<string, unknown>, name);
  const rv = scale.metadata.resourceVersion;
  const updated = await env.store.update(
    namespace,
    name,
    "",
    (current) => {
      if (rv && rv !== current.metadata.resourceVersion) throw errors.conflict(env.scope.gr, name, OPTIMISTIC_LOCK_MESSAGE);
      applyScale(def, current, replicas);
      return current;
    },
    {
      dryRun: wq.dryRun,
      fieldManager: wq.fieldManager,
      userAgent: ctx.req.headers["user-agent"],
      admission: writeAdmission(ctx, env, "UPDATE"),
      // apiextensions' scaleUpdatedObjectInfo.Preconditions: the Scale body's uid, as for PUT
      preconditions: scale.metadata.uid ? { uid: scale.metadata.uid } : undefined,
    },
  );
  writeValue(ctx, 200, toScale(def, updated), { ...target, convert: undefined });
}
