/**
 * The connect hook the resource handler calls for `log` and `exec`: picks the
 * provider of the kind (the user's from connect.ts first, else the built-in
 * pod proxy when the definition names a pod), loads the parent object, and
 * serves the stream or the session. Authorization already happened in the
 * serving layer (get on <plural>/log, get/create on <plural>/exec), so a
 * refused user never reaches a provider or the cluster.
 */
import type { RequestContext } from "../api/request.js";
import type { ResourceDefinition } from "../api/resource.js";
import { errors } from "../api/status.js";
import type { ClusterConnection } from "../cluster/connection.js";
import type { KubeObject } from "../storage/interface.js";
import { negotiate, serveExec } from "./exec-server.js";
import { serveLog } from "./log-server.js";
import { parseExecOptions, parseLogOptions } from "./options.js";
import { PodBackend } from "./pod-backend.js";
import { podProvider } from "./pod-provider.js";
import type { ConnectContext, ConnectProvider, ConnectProviders } from "./types.js";

/** What the resource handler calls for a connect subresource the definition declares. */
export type ConnectHook = (ctx: RequestContext, def: ResourceDefinition, load: () => Promise<KubeObject>) => Promise<void>;

export interface ConnectConfig {
  /** User providers by group-version (`skai.io/v1alpha1`), then kind. */
  providers?: Record<string, ConnectProviders>;
  /** kube-apiserver for the built-in pod provider (and ctx.pods of user providers). */
  cluster?: ClusterConnection | null;
}

export function createConnectHook(config: ConnectConfig = {}): ConnectHook {
  const cluster = config.cluster ?? null;
  const pods = new PodBackend(cluster);
  const resolved = new Map<ResourceDefinition, ConnectProvider>();
  const providerOf = (def: ResourceDefinition): ConnectProvider => {
    let p = resolved.get(def);
    if (!p) {
      const user = config.providers?.[`${def.group}/${def.version}`]?.[def.kind] ?? {};
      const builtin = podProvider(def.subresources.pods ?? {});
      // Per subresource: the user's method when there is one, else the pod proxy.
      p = { log: user.log ?? builtin.log, exec: user.exec ?? builtin.exec };
      resolved.set(def, p);
    }
    return p;
  };

  return async (ctx, def, load) => {
    const sub = ctx.info.subresource as "log" | "exec";
    const provider = providerOf(def);
    const method = provider[sub];
    if (!method) {
      const e = errors.notFound({ group: def.group, resource: `${def.plural}/${sub}` }, ctx.info.name);
      e.status.message = `${def.plural}.${def.group} declares @subresource ${sub} but nothing serves it: add podName=... or selector=... to the tag, or export a ${def.kind} provider from connect.ts`;
      throw e;
    }
    // Options first: a malformed request is a 400 whether or not the object exists.
    const logOpts = sub === "log" ? parseLogOptions(ctx.query) : undefined;
    const execOpts = sub === "exec" ? parseExecOptions(ctx.query) : undefined;
    const protocol = execOpts ? negotiate(ctx) : "";
    const object = await load();
    const cctx: ConnectContext = {
      object,
      def,
      namespace: ctx.info.namespace,
      name: ctx.info.name,
      user: ctx.user,
      signal: ctx.signal,
      cluster,
      pods,
    };
    if (logOpts) return serveLog(ctx, await provider.log!(cctx, logOpts), logOpts);
    const proc = await provider.exec!(cctx, execOpts!);
    return serveExec(ctx, protocol, proc);
  };
}
