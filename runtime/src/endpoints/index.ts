/**
 * The handlers layer: one Handler serving every resource request the serving layer
 * routes here (verb, group, version, namespace, resource, subresource, name filled in).
 */
import type { Handler, RequestContext } from "../api/request.js";
import { errors, StatusError } from "../api/status.js";
import type { GenericStore } from "../registry/store.js";
import { connectAdmission } from "./admission.js";
import { DEFAULT_MAX_BODY_BYTES } from "./body.js";
import { handleDelete, handleDeleteCollection } from "./delete.js";
import { EncodeCache } from "./encode-cache.js";
import { ListCache } from "./list-cache.js";
import type { Env, ResourceHandlerOptions } from "./env.js";
import { parseListQuery } from "./options.js";
import { handlePatch } from "./patch.js";
import { handleGet, handleList } from "./read.js";
import { writeStatusError } from "./responses.js";
import { handleGetScale, handleUpdateScale } from "./scale.js";
import { handleWatch } from "./watch.js";
import { handleCreate, handleUpdate } from "./write.js";

export type { ResourceHandlerOptions } from "./env.js";

function notFound(): StatusError {
  const e = errors.notFound({ group: "", resource: "" }, "");
  e.status.message = "the server could not find the requested resource";
  delete e.status.details;
  return e;
}

const NAMED_VERBS = new Set(["get", "update", "patch", "delete"]);

async function dispatch(ctx: RequestContext, env: Env): Promise<void> {
  const { verb, subresource, name, namespace } = ctx.info;
  const def = env.scope.def;
  // Routes kube does not install: namespaced kinds need a namespace except for list/watch.
  if (def.namespaced && !namespace && verb !== "list" && verb !== "watch") throw notFound();
  if (!def.namespaced && namespace) throw notFound();
  if (NAMED_VERBS.has(verb) && !name) throw notFound();
  if (subresource) {
    const gr = { group: def.group, resource: `${def.plural}/${subresource}` };
    if (subresource === "status" && def.subresources.status) {
      if (verb === "get") return handleGet(ctx, env);
      if (verb === "update") return handleUpdate(ctx, env, "status");
      if (verb === "patch") return handlePatch(ctx, env, "status");
      throw errors.methodNotSupported(gr, verb);
    }
    if (subresource === "scale" && def.subresources.scale) {
      if (verb === "get") return handleGetScale(ctx, env);
      if (verb === "update") return handleUpdateScale(ctx, env);
      if (verb === "patch") return handlePatch(ctx, env, "scale");
      throw errors.methodNotSupported(gr, verb);
    }
    if ((subresource === "log" && def.subresources.log) || (subresource === "exec" && def.subresources.exec)) {
      if (env.connect) return env.connect(ctx, def, () => env.store.get(namespace, name), connectAdmission(ctx, env));
    }
    throw notFound();
  }
  switch (verb) {
    case "get":
      return handleGet(ctx, env);
    case "list": {
      const lq = parseListQuery(ctx.query, false);
      return lq.watch ? handleWatch(ctx, env, lq) : handleList(ctx, env, lq);
    }
    case "watch":
      return handleWatch(ctx, env, parseListQuery(ctx.query, true));
    case "create":
      if (name) throw errors.methodNotSupported(env.scope.gr, verb);
      return handleCreate(ctx, env);
    case "update":
      return handleUpdate(ctx, env, "");
    case "patch":
      return handlePatch(ctx, env, "");
    case "delete":
      return handleDelete(ctx, env);
    case "deletecollection":
      return handleDeleteCollection(ctx, env);
    default:
      throw errors.methodNotSupported(env.scope.gr, verb);
  }
}

/**
 * Serves get/list/watch/create/update/patch/delete/deletecollection and /status, /scale
 * for the kinds of `stores` (the registry's, built by the serving layer).
 */
export function createResourceHandler(stores: GenericStore[], opts: ResourceHandlerOptions = {}): Handler {
  const cache = new EncodeCache(opts.encodeCacheChars);
  const lists = new ListCache();
  const resolved: Env["opts"] = {
    minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds ?? 1800,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    dateCells: opts.dateCells ?? "human",
    encodeCacheChars: opts.encodeCacheChars ?? 64 * 1024 * 1024,
    now: opts.now ?? (() => new Date()),
  };
  const envs = new Map<string, Env>();
  for (const store of stores) {
    const { def } = store.scope;
    envs.set(`${def.group}/${def.version}/${def.plural}`, {
      scope: store.scope,
      store,
      cache,
      lists,
      opts: resolved,
      connect: opts.connect,
      admission: opts.admission,
    });
  }
  return async (ctx) => {
    const started = performance.now();
    const { info } = ctx;
    try {
      const env = envs.get(`${info.apiGroup}/${info.apiVersion}/${info.resource}`);
      if (!env) throw notFound();
      await dispatch(ctx, env);
    } catch (err) {
      writeStatusError(ctx.res, err);
    } finally {
      // a list with ?watch=true is a watch for metrics, as kube counts it
      const verb = info.verb === "list" && ["true", "1"].includes(ctx.query.get("watch") ?? "") ? "watch" : info.verb;
      opts.observe?.(verb, info.resource, ctx.res.statusCode, (performance.now() - started) / 1000);
    }
  };
}
