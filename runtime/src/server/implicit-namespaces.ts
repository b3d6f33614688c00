/**
 * Standalone servers have no core API, yet kubectl 1.32, after a NotFound on a
 * named object in a namespace, fetches /api/v1/namespaces/<ns> and, when that
 * is NotFound too, reports `namespaces "<ns>" not found` instead of the
 * object's own error. Namespaces are implicit here (every valid name
 * exists), so answer that one GET with an Active Namespace, as a cluster
 * would for an existing namespace. Through kube-apiserver this path is never
 * proxied to us.
 */
import type { ServerResponse } from "node:http";
import type { RequestInfo } from "../api/request.js";

/** RFC 1123 label, as namespace names must be. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isImplicitNamespaceGet(info: RequestInfo, method: string): boolean {
  return (
    (method === "GET" || method === "HEAD") &&
    info.isResourceRequest &&
    info.apiPrefix === "api" &&
    info.apiVersion === "v1" &&
    info.resource === "namespaces" &&
    info.parts.length === 2 &&
    info.name.length <= 63 &&
    DNS_LABEL.test(info.name)
  );
}

export function serveImplicitNamespace(res: ServerResponse, name: string): void {
  const body = JSON.stringify({
    kind: "Namespace",
    apiVersion: "v1",
    metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  });
  res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
