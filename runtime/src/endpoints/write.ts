/** POST (create) and PUT (update of the main resource or /status) (handlers/create.go, update.go). */
import { deepCopyJSON } from "../apimachinery/deepcopy.js";
import { writeAdmission } from "./admission.js";
import { afterPendingIO, LARGE_BODY_BYTES } from "./body.js";
import type { RequestContext } from "../api/request.js";
import { errors } from "../api/status.js";
import type { KubeObject } from "../apimachinery/object.js";
import { applyFieldValidation, checkTypeMeta, expectedFor, readDecoded, rejectInexactIntegers } from "./decode.js";
import type { Env } from "./env.js";
import { parseWriteQuery, type WriteQuery } from "./options.js";
import { writeObject } from "./output.js";
import { outputFor } from "./read.js";

export async function handleCreate(ctx: RequestContext, env: Env): Promise<void> {
  const target = outputFor(ctx, false, env.scope);
  let wq!: WriteQuery;
  const { data, decoded } = await readDecoded(ctx, env, env.scope.def.kind, () => (wq = parseWriteQuery(ctx.query, "CreateOptions")));
  const obj = checkTypeMeta(decoded.value, data, expectedFor(env));
  rejectInexactIntegers(decoded, env, obj);
  applyFieldValidation(ctx, env, obj, decoded.duplicates, wq.fieldValidation);
  const ns = ctx.info.namespace;
  if (env.scope.def.namespaced) {
    if (obj.metadata.namespace && obj.metadata.namespace !== ns) {
      throw errors.badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    obj.metadata.namespace = ns;
  } else {
    delete obj.metadata.namespace;
  }
  const created = await env.store.create(obj, {
    dryRun: wq.dryRun,
    fieldManager: wq.fieldManager,
    userAgent: ctx.req.headers["user-agent"],
    admission: writeAdmission(ctx, env, "CREATE"),
  });
  if (data.length >= LARGE_BODY_BYTES) await afterPendingIO();
  writeObject(ctx, env, 201, created, target);
}

/** rest.go checkName: body name/namespace must match the URL. */
export function checkName(obj: KubeObject, name: string, namespace: string): void {
  const objName = obj.metadata.name ?? "";
  if (objName !== name) {
    throw errors.badRequest(`the name of the object (${objName}) does not match the name on the URL (${name})`);
  }
  const objNs = obj.metadata.namespace ?? "";
  if (namespace && objNs && objNs !== namespace) {
    throw errors.badRequest(`the namespace of the object (${objNs}) does not match the namespace on the request (${namespace})`);
  }
}

export async function handleUpdate(ctx: RequestContext, env: Env, subresource: "" | "status"): Promise<void> {
  const target = outputFor(ctx, false, env.scope);
  let wq!: WriteQuery;
  const { data, decoded } = await readDecoded(ctx, env, env.scope.def.kind, () => (wq = parseWriteQuery(ctx.query, "UpdateOptions")));
  const obj = checkTypeMeta(decoded.value, data, expectedFor(env));
  rejectInexactIntegers(decoded, env, obj);
  applyFieldValidation(ctx, env, obj, decoded.duplicates, wq.fieldValidation);
  const { name, namespace } = ctx.info;
  checkName(obj, name, namespace);
  if (env.scope.def.namespaced) obj.metadata.namespace = namespace;
  else delete obj.metadata.namespace;
  const uid = obj.metadata.uid;
  const updated = await env.store.update(namespace, name, subresource, () => deepCopyJSON(obj), {
    dryRun: wq.dryRun,
    fieldManager: wq.fieldManager,
    userAgent: ctx.req.headers["user-agent"],
    admission: writeAdmission(ctx, env, "UPDATE"),
    // rest.DefaultUpdatedObjectInfo: a body uid becomes a storage precondition (409 when it differs)
    preconditions: uid ? { uid } : undefined,
  });
  if (data.length >= LARGE_BODY_BYTES) await afterPendingIO();
  writeObject(ctx, env, 200, updated, target);
}
