/**
 * Routing of authenticated, authorized requests: resource paths of served
 * group-versions go to the resource handler (after kube's route-shape checks),
 * everything else to discovery, OpenAPI, /version or /metrics; unknown paths
 * get Go's plain 404 as kube's notfoundhandler writes it.
 */
import type { Handler } from "../api/request.js";
import { isImplicitNamespaceGet, serveImplicitNamespace } from "./implicit-namespaces.js";
import { type DiscoveryDocuments, serveApi, serveApis, serveLegacyDocument } from "./discovery.js";
import { METRICS_CONTENT_TYPE, type RequestMetrics } from "./metrics.js";
import { type OpenAPIBodies, serveOpenAPIV2, serveOpenAPIV3Document, serveOpenAPIV3Root } from "./openapi.js";
import type { ServingContext } from "./request-context.js";
import type { ResourceRouter } from "./resource-routes.js";
import { routeMethodNotAllowed, routeNotFound, writePlainError, writeStatus } from "./responses.js";

/** What requests are routed to. */
export interface Routes {
  discovery: DiscoveryDocuments;
  openapi: OpenAPIBodies;
  router: ResourceRouter;
  resourceHandler: Handler;
  metrics: RequestMetrics;
}

export async function route(cfg: Routes, ctx: ServingContext, path: string, versionBody: Buffer, method: string): Promise<void> {
  const { req, res, info } = ctx;
  if (info.isResourceRequest) {
    if (info.apiPrefix === "apis" && cfg.router.servesGroupVersion(info.apiGroup, info.apiVersion)) {
      const viaWatchPrefix = info.verb === "watch" && path.startsWith(`/apis/${info.apiGroup}/${info.apiVersion}/watch/`);
      const match = cfg.router.match(info, method, viaWatchPrefix);
      if ("error" in match) return writeStatus(res, match.error === "NotFound" ? routeNotFound : routeMethodNotAllowed);
      return cfg.resourceHandler(ctx);
    }
    if (isImplicitNamespaceGet(info, method)) return serveImplicitNamespace(res, info.name);
    return writePlainError(res, 404, "404 page not found");
  }

  switch (path) {
    case "/apis":
    case "/apis/":
      return serveApis(req, res, cfg.discovery);
    case "/api":
    case "/api/":
      return serveApi(req, res, cfg.discovery);
    case "/version":
    case "/version/":
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": versionBody.length });
      res.end(versionBody);
      return;
    case "/openapi/v2":
      return serveOpenAPIV2(req, res, cfg.openapi);
    case "/openapi/v3":
    case "/openapi/v3/":
      return serveOpenAPIV3Root(req, res, cfg.openapi);
    case "/metrics": {
      const body = cfg.metrics.render();
      res.writeHead(200, { "Content-Type": METRICS_CONTENT_TYPE, "Content-Length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
  }

  if (path.startsWith("/openapi/v3/")) {
    if (serveOpenAPIV3Document(req, res, cfg.openapi, path, ctx.query)) return;
    return writePlainError(res, 404, "404 page not found");
  }

  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  const doc = cfg.discovery.groupVersions.get(trimmed) ?? cfg.discovery.groups.get(trimmed);
  if (doc) {
    // Group and group-version discovery are GET routes in kube's go-restful container.
    if (method !== "GET" && method !== "HEAD") return writeStatus(res, routeMethodNotAllowed);
    return serveLegacyDocument(req, res, doc);
  }
  // Unknown paths get Go's plain NotFound, as kube's notfoundhandler writes.
  writePlainError(res, 404, "404 page not found");
}
