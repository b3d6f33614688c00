/** GET of one object (main resource and /status) and LIST (handlers/get.go). */
import type { RequestContext } from "../api/request.js";
import type { ResourceScope } from "../registry/scope.js";
import { EncodeCache } from "./encode-cache.js";
import type { Env } from "./env.js";
import { isPrettyRequested, negotiateOutput, type OutputTarget } from "./negotiation.js";
import type { ListQuery } from "./options.js";
import { writeList, writeObject, writeSerialized } from "./output.js";
import { codecFor, PROTOBUF_MEDIA_TYPE } from "./protobuf.js";

export function outputFor(ctx: RequestContext, stream = false, scope?: ResourceScope): OutputTarget {
  const h = ctx.req.headers;
  // protobuf is offered only when the caller passes a scope whose kind has descriptors; the
  // codec is built when protobuf is first asked for (a JSON-only client never pays for it)
  const protobuf = Boolean(scope?.def.protobuf);
  const target = negotiateOutput(h.accept, { stream, pretty: isPrettyRequested(ctx.query, h["user-agent"]), protobuf });
  return target.mediaType === PROTOBUF_MEDIA_TYPE && scope ? { ...target, codec: codecFor(scope) } : target;
}

export async function handleGet(ctx: RequestContext, env: Env): Promise<void> {
  const target = outputFor(ctx, false, env.scope);
  const { namespace, name } = ctx.info;
  const opts = { resourceVersion: ctx.query.get("resourceVersion") ?? "" };
  // The common GET (latest, plain JSON): when the stored revision's JSON is cached, send it
  // without decoding the stored value at all.
  if (target.convert === undefined && !target.codec) {
    const revision = await env.store.revisionOf(namespace, name, opts);
    const cached = revision === undefined ? undefined : env.cache.peek(EncodeCache.keyAt(env.store.key(namespace, name), revision, "json"));
    if (cached !== undefined) return writeSerialized(ctx, 200, cached, target);
  }
  writeObject(ctx, env, 200, await env.store.get(namespace, name, opts), target);
}

export async function handleList(ctx: RequestContext, env: Env, lq: ListQuery): Promise<void> {
  const target = outputFor(ctx, false, env.scope);
  const { namespace } = ctx.info;
  // Same query at an unchanged latest revision: the same bytes (see list-cache.ts).
  const cacheKey =
    !lq.continue && (lq.resourceVersion === "" || lq.resourceVersion === "0") && target.convert === undefined
      ? `${env.store.prefix(namespace)}\n${lq.labelSelector}\n${lq.fieldSelector}\n${lq.limit}`
      : undefined;
  if (cacheKey) {
    const body = env.lists.get(cacheKey, await env.store.currentRevision());
    if (body !== undefined) return writeSerialized(ctx, 200, body, target);
  }
  const list = await env.store.list(namespace, lq);
  const body = writeList(ctx, env, list.items, list.metadata, target);
  if (cacheKey && body !== undefined) env.lists.set(cacheKey, Number(list.metadata.resourceVersion), body);
}
