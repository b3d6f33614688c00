/** GET of one object (main resource and /status) and LIST (handlers/get.go). */
import type { RequestContext } from "../api/request.js";
import { errors, StatusError } from "../api/status.js";
import { decodeContinue, encodeContinue } from "../registry/continue.js";
import { toStatusError } from "../registry/errors.js";
import { listPrefix } from "../registry/scope.js";
import { parseSelection } from "../registry/selection.js";
import { StorageError, type ListOptions } from "../storage/interface.js";
import { EncodeCache } from "./encode-cache.js";
import type { Env } from "./env.js";
import { isPrettyRequested, negotiateOutput, type OutputTarget } from "./negotiation.js";
import { parseResourceVersion, type ListQuery } from "./options.js";
import { writeList, writeObject, writeSerialized } from "./output.js";
import { codecFor, PROTOBUF_MEDIA_TYPE } from "./protobuf.js";
import type { ResourceScope } from "../registry/scope.js";

export function outputFor(ctx: RequestContext, stream = false, scope?: ResourceScope): OutputTarget {
  const h = ctx.req.headers;
  // protobuf is offered only when the caller passes a scope whose kind has descriptors
  const codec = scope ? codecFor(scope) : undefined;
  const target = negotiateOutput(h.accept, { stream, pretty: isPrettyRequested(ctx.query, h["user-agent"]), protobuf: codec !== undefined });
  return target.mediaType === PROTOBUF_MEDIA_TYPE ? { ...target, codec } : target;
}

export async function handleGet(ctx: RequestContext, env: Env): Promise<void> {
  const target = outputFor(ctx, false, env.scope);
  const rv = parseResourceVersion(ctx.query.get("resourceVersion") ?? "");
  // The common GET (latest, plain JSON): when the stored revision's JSON is cached, send it
  // without decoding the stored value at all.
  if (!rv && target.convert === undefined && !target.codec && env.storage.revisionOf) {
    const key = env.store.key(ctx.info.namespace, ctx.info.name);
    const revision = await env.storage.revisionOf(key);
    const cached = revision === undefined ? undefined : env.cache.peek(EncodeCache.keyAt(key, revision, "json"));
    if (cached !== undefined) return writeSerialized(ctx, 200, cached, target);
  }
  const obj = await env.store.get(ctx.info.namespace, ctx.info.name, rv || undefined);
  writeObject(ctx, env, 200, obj, target);
}

export async function handleList(ctx: RequestContext, env: Env, lq: ListQuery): Promise<void> {
  const target = outputFor(ctx, false, env.scope);
  const { scope, storage } = env;
  const sel = parseSelection(scope, lq.labelSelector, lq.fieldSelector);
  const prefix = listPrefix(scope, ctx.info.namespace);
  const opts: ListOptions = {};
  if (sel.predicate) opts.predicate = sel.predicate;
  if (lq.limit > 0) opts.limit = lq.limit;
  if (lq.continue) {
    if (lq.resourceVersion && lq.resourceVersion !== "0") {
      throw errors.badRequest("specifying resource version is not allowed when using continue");
    }
    const pos = decodeContinue(lq.continue, prefix);
    opts.continueAfter = pos.continueAfter;
    if (pos.revision > 0) {
      opts.revision = pos.revision;
      opts.exact = true;
    }
  } else {
    const rv = parseResourceVersion(lq.resourceVersion);
    // RV=0 is "any": the watch cache may answer from memory (backends read it as latest).
    if (lq.resourceVersion === "0") opts.revision = 0;
    if (rv > 0) {
      opts.revision = rv;
      // limit without continue reads exactly at the given revision (WEB "Semantics for get and list")
      opts.exact = lq.resourceVersionMatch === "Exact" || (lq.resourceVersionMatch === "" && lq.limit > 0);
    }
  }
  // Same query at an unchanged latest revision: the same bytes (see list-cache.ts).
  const cacheKey =
    !lq.continue && (lq.resourceVersion === "" || lq.resourceVersion === "0") && target.convert === undefined
      ? `${prefix}\n${lq.labelSelector}\n${lq.fieldSelector}\n${lq.limit}`
      : undefined;
  if (cacheKey) {
    const body = env.lists.get(cacheKey, await storage.currentRevision());
    if (body !== undefined) {
      writeSerialized(ctx, 200, body, target);
      return;
    }
  }
  let result;
  try {
    result = await storage.list(prefix, opts);
  } catch (err) {
    const e = toStatusError(err, scope, "", "list");
    if (err instanceof StorageError && err.code === "Expired" && opts.continueAfter !== undefined) {
      // handleCompactedErrorForPaging: hand out a token that continues at the latest revision
      (e as StatusError).status.metadata.continue = encodeContinue(opts.continueAfter, prefix, -1);
    }
    throw e;
  }
  const body = writeList(
    ctx,
    env,
    result.items,
    {
      resourceVersion: String(result.revision),
      continue: result.continueKey ? encodeContinue(result.continueKey, prefix, result.revision) : undefined,
      remainingItemCount: result.continueKey ? result.remainingItemCount : undefined,
    },
    target,
  );
  if (cacheKey && body !== undefined) env.lists.set(cacheKey, result.revision, body);
}
