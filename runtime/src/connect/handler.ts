/**
 * The connect hook the resource handler calls for `log` and `exec`: picks the
 * provider of the kind (the user's from connect.ts first, else the built-in
 * pod proxy when the definition names a pod), loads the parent object, and
 * serves the stream or the session. The serving layer authorized the request's
 * own verb (get on <plural>/log; get or create on <plural>/exec); an exec is
 * also admitted as CONNECT and needs `create` (authorize.ts), so a refused
 * user never reaches a provider or the cluster.
 */
import type { AdmissionObject } from "../admission/types.js";
import type { RequestContext } from "../api/request.js";
import type { ResourceDefinition } from "../api/resource.js";
import { errors } from "../api/status.js";
import type { ClusterConnection } from "../cluster/connection.js";
import type { KubeObject } from "../apimachinery/object.js";
import { negotiate, serveExec } from "./exec-server.js";
import { serveLog } from "./log-server.js";
import { ensureAuthorizedForVerb } from "./authorize.js";
import { execOptionsAfterAdmission, execOptionsObject, parseExecOptions, parseLogOptions } from "./options.js";
import { PodBackend } from "./pod-backend.js";
import { podProvider } from "./pod-provider.js";
import { type ConnectSubresource, connectSubresourceKind } from "./subresources.js";
import type { ConnectContext, ConnectProvider, ConnectProviders } from "./types.js";

/** Runs the admission chain on a connect request's options object (operation CONNECT); throws the refusal. */
export type ConnectAdmission = (options: AdmissionObject & { kind: string }) => Promise<void>;

/** What the resource handler calls for a connect subresource the definition declares. */
export type ConnectHook = (ctx: RequestContext, def: ResourceDefinition, load: () => Promise<KubeObject>, admit?: ConnectAdmission) => Promise<void>;

export interface ConnectConfig {
  /** User providers by group-version (`shop.example.com/v1alpha1`), then kind. */
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

  return async (ctx, def, load, admit) => {
    const sub = ctx.info.subresource as ConnectSubresource;
    const kind = connectSubresourceKind(sub)!;
    const gr = { group: def.group, resource: `${def.plural}/${sub}` };
    const provider = providerOf(def);
    if (!provider[sub]) {
      const e = errors.notFound(gr, ctx.info.name);
      e.status.message = `${def.plural}.${def.group} declares @subresource ${sub} but nothing serves it: add podName=... or selector=... to the tag, or export a ${def.kind} provider from connect.ts`;
      throw e;
    }
    const context = (object: KubeObject): ConnectContext => ({
      object,
      def,
      namespace: ctx.info.namespace,
      name: ctx.info.name,
      user: ctx.user,
      signal: ctx.signal,
      cluster,
      pods,
    });
    if (sub === "log") {
      // Options first: a malformed request is a 400 whether or not the object exists.
      const opts = parseLogOptions(ctx.query);
      const object = await load();
      return serveLog(ctx, await provider.log!(context(object), opts), opts);
    }
    // exec (the router lets through GET for WebSocket, POST for SPDY), in the order of kube's ConnectResource
    // and ExecREST.Connect: dryRun, options, CONNECT admission, the second authorization (create), then
    // the parent object, the upgrade, the backend.
    if (kind.connecter && ctx.query.has("dryRun")) throw errors.badRequest("dryRun is not supported");
    let opts = parseExecOptions(ctx.query);
    if (kind.connecter && admit) {
      const options = execOptionsObject(def, opts);
      await admit(options);
      // Mutating plugins may change the options, as they change kube's PodExecOptions before Connect.
      opts = execOptionsAfterAdmission(opts, options);
    }
    if (kind.requiresCreate) await ensureAuthorizedForVerb(ctx, "create");
    const object = await load();
    const upgrade = negotiate(ctx);
    const proc = await provider.exec!(context(object), opts);
    return serveExec(ctx, upgrade, opts, proc);
  };
}
