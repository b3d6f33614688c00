/** DELETE of one object and of a collection (handlers/delete.go). */
import { deleteAdmission } from "./admission.js";
import type { RequestContext } from "../api/request.js";
import { errors, type Status } from "../api/status.js";
import type { KubeObject } from "../apimachinery/object.js";
import { BodySyntaxError, contentTypeOf, decodeBody, readBody } from "./body.js";
import type { Env } from "./env.js";
import { parseDeleteOptions, parseListQuery, type DeleteQuery } from "./options.js";
import { writeList, writeObject, writeValue } from "./output.js";
import { outputFor } from "./read.js";

/** DeleteOptions from the body when there is one, else from the query. */
async function deleteOptions(ctx: RequestContext, env: Env): Promise<DeleteQuery> {
  const data = await readBody(ctx.req, ctx.res, env.opts.maxBodyBytes);
  if (data.length === 0) return parseDeleteOptions(undefined, ctx.query);
  let value: unknown;
  try {
    value = decodeBody(data, contentTypeOf(ctx.req)).value;
  } catch (e) {
    if (e instanceof BodySyntaxError) throw errors.badRequest(`the object provided is unrecognized (must be of type DeleteOptions): ${e.message}`);
    throw e;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw errors.badRequest("the object provided is unrecognized (must be of type DeleteOptions)");
  }
  return parseDeleteOptions(value as Record<string, unknown>, ctx.query);
}

/** finalizeDelete's Status has no code (it is omitempty and unset). */
function withoutCode(s: Status): Omit<Status, "code"> {
  const { code: _c, ...rest } = s;
  return rest;
}

export async function handleDelete(ctx: RequestContext, env: Env): Promise<void> {
  const target = outputFor(ctx, false, env.scope);
  const opts = await deleteOptions(ctx, env);
  const result = await env.store.delete(ctx.info.namespace, ctx.info.name, { ...opts, admission: deleteAdmission(ctx, env) });
  let code = 200;
  // handlers/delete.go: 202 only when not deleted yet and orphanDependents=false was asked for
  if (!result.deleted && opts.orphanDependents === false) code = 202;
  if ((result.body as Status).kind === "Status") writeValue(ctx, code, withoutCode(result.body as Status), { ...target, convert: undefined });
  else writeObject(ctx, env, code, result.body as KubeObject, target);
}

export async function handleDeleteCollection(ctx: RequestContext, env: Env): Promise<void> {
  const target = outputFor(ctx, false, env.scope);
  const lq = parseListQuery(ctx.query, false);
  const opts = await deleteOptions(ctx, env);
  const deleted = await env.store.deleteCollection(ctx.info.namespace, lq, { ...opts, admission: deleteAdmission(ctx, env) });
  writeList(ctx, env, deleted.items, deleted.metadata, target);
}
