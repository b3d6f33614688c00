/**
 * Which resource paths exist and with which methods, as kube's installer
 * registers them (endpoints/installer.go): a path no route matches is a 404
 * Status, a route asked with another method a 405 Status. Everything that
 * passes goes to the resource handler.
 */
import type { RequestInfo } from "../api/request.js";
import type { ResourceDefinition } from "../api/resource.js";
import { subresourcesOf } from "./discovery-model.js";

const COLLECTION = ["GET", "POST", "DELETE"];
const ITEM = ["GET", "PUT", "PATCH", "DELETE"];
const READ = ["GET"];

interface ResourceRoutes {
  def: ResourceDefinition;
  subresources: Map<string, string[]>;
}

export type RouteMatch = { def: ResourceDefinition } | { error: "NotFound" | "MethodNotAllowed" };

export class ResourceRouter {
  private readonly byResource = new Map<string, ResourceRoutes>();
  private readonly groupVersions = new Set<string>();

  constructor(defs: ResourceDefinition[]) {
    for (const def of defs) {
      this.groupVersions.add([def.group, def.version].join("/"));
      const subresources = new Map(subresourcesOf(def).map((s) => [s.name, s.methods]));
      this.byResource.set([def.group, def.version, def.plural].join("/"), { def, subresources });
    }
  }

  /** True when /apis/<group>/<version> is served here (else the path is not ours at all). */
  servesGroupVersion(group: string, version: string): boolean {
    // joined keys are flat strings: a `+` rope is compared through V8's runtime
    return this.groupVersions.has([group, version].join("/"));
  }

  match(info: RequestInfo, method: string, viaWatchPrefix: boolean): RouteMatch {
    const routes = this.byResource.get([info.apiGroup, info.apiVersion, info.resource].join("/"));
    if (!routes) return { error: "NotFound" };
    const { def } = routes;
    const n = info.parts.length;
    let allowed: string[] | undefined;
    if (def.namespaced && info.namespace === "") {
      // Only the collection across all namespaces exists without a namespace.
      allowed = n === 1 ? READ : undefined;
    } else if (!def.namespaced && info.namespace !== "") {
      allowed = undefined;
    } else if (viaWatchPrefix) {
      allowed = n <= 2 ? READ : undefined;
    } else if (n === 1) allowed = COLLECTION;
    else if (n === 2) allowed = ITEM;
    else if (n === 3) allowed = routes.subresources.get(info.subresource);
    if (!allowed) return { error: "NotFound" };
    const m = method === "HEAD" ? "GET" : method;
    if (!allowed.includes(m)) return { error: "MethodNotAllowed" };
    return { def };
  }
}
