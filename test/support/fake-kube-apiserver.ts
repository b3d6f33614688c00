/**
 * A stand-in for kube-apiserver, for the aggregation-layer tests (kube-apiserver
 * cannot run here). HTTPS with its own CA, answering what a delegated apiserver
 * calls, in the real Kubernetes shapes:
 * - POST /apis/authentication.k8s.io/v1/tokenreviews   (answers from `tokens`)
 * - POST /apis/authorization.k8s.io/v1/subjectaccessreviews (answers from `authorize`)
 * - GET  /api/v1/namespaces/kube-system/configmaps[/extension-apiserver-authentication] (list, watch, get; rotatable)
 * - GET  /api/v1/namespaces[/<name>] (list, watch, get)
 * - /api/v1/namespaces/<ns>/pods[/<name>[/log|/exec]] (see fake-pods.ts: `pods`)
 * Every review request is recorded. It also owns the cluster's PKI: the
 * front-proxy CA and client certificate the aggregator presents, and the
 * client CA for x509 users; `aggregatorRequest` sends a request as the
 * aggregator does (front-proxy certificate plus X-Remote-* headers).
 */
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CertificateAndKey, createCA, createClientCertificate, createServingCertificate } from "../../runtime/src/server/certs.js";
import { FakePods } from "./fake-pods.js";

export interface FakeUser {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface SarAnswer {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
}

/** The spec of a SubjectAccessReview as received. */
export interface RecordedSar {
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
  resourceAttributes?: Record<string, unknown>;
  nonResourceAttributes?: { path: string; verb: string };
}

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion: string; uid: string; creationTimestamp: string; [k: string]: unknown };
  [k: string]: unknown;
}

interface Event {
  rv: number;
  collection: string;
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: Obj;
}

export const CONFIGMAP_NAME = "extension-apiserver-authentication";
export const FRONT_PROXY_CN = "front-proxy-client";
const CLIENT_TOKEN = "fake-kube-apiserver-client-token";

export class FakeKubeApiServer {
  readonly servingCA = createCA("fake-kube-apiserver-ca");
  readonly serving: CertificateAndKey;
  /** kube's --requestheader-client-ca-file and the aggregator's --proxy-client-cert-file. */
  frontProxyCA = createCA("front-proxy-ca");
  frontProxyClient: CertificateAndKey;
  /** kube's --client-ca-file. */
  readonly clientCA = createCA("kubernetes-client-ca");

  /** Bearer token -> user for TokenReview; delete an entry to revoke the token. */
  readonly tokens = new Map<string, FakeUser>();
  /** SubjectAccessReview answers; default: deny without reason. */
  authorize: (spec: RecordedSar) => SarAnswer = () => ({ allowed: false });
  readonly tokenReviews: Array<{ token: string; audiences?: string[] }> = [];
  readonly subjectAccessReviews: RecordedSar[] = [];
  /** The User-Agent headers of every request, as a kube-apiserver audit log would show them. */
  readonly userAgents = new Set<string>();
  /** Requests without the client token the kubeconfig carries (should stay empty). */
  readonly unauthenticatedCalls: string[] = [];
  /** Pods with their logs and a toy exec (pods/log, pods/exec). */
  readonly pods = new FakePods();

  private rv = 100;
  private readonly collections = new Map<string, Map<string, Obj>>();
  private readonly events: Event[] = [];
  private readonly watchers = new Set<{ collection: string; name?: string; res: ServerResponse }>();
  private readonly server: https.Server;
  private readonly dir = mkdtempSync(join(tmpdir(), "fake-kube-"));
  private port = 0;

  constructor() {
    this.serving = createServingCertificate(this.servingCA, ["127.0.0.1", "localhost"], 365, "kube-apiserver");
    this.frontProxyClient = this.newFrontProxyClient();
    this.server = https.createServer({ cert: this.serving.certPem, key: this.serving.keyPem }, (req, res) => {
      this.userAgents.add(String(req.headers["user-agent"]));
      void this.handle(req, res).catch((err) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
    });
    this.server.on("upgrade", (req: IncomingMessage, socket: import("node:stream").Duplex, head: Buffer) => {
      if (req.headers.authorization !== `Bearer ${CLIENT_TOKEN}`) {
        this.unauthenticatedCalls.push(`${req.method} ${req.url}`);
        return void socket.end("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      }
      if (!this.pods.upgrade(req, socket, head)) socket.destroy();
    });
    this.setConfigMapData(this.defaultAuthenticationData());
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.end();
    this.pods.endFollowers();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** A kubeconfig file for this server (token user), as --kubeconfig / --authentication-kubeconfig take. */
  kubeconfigPath(): string {
    const path = join(this.dir, "kubeconfig");
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    writeFileSync(
      path,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: fake",
        "  cluster:",
        `    server: ${this.url}`,
        `    certificate-authority-data: ${b64(this.servingCA.certPem)}`,
        "users:",
        "- name: apiserver",
        "  user:",
        `    token: ${CLIENT_TOKEN}`,
        "contexts:",
        "- name: fake",
        "  context: {cluster: fake, user: apiserver}",
        "current-context: fake",
        "",
      ].join("\n"),
    );
    return path;
  }

  newFrontProxyClient(cn = FRONT_PROXY_CN, ca: CertificateAndKey = this.frontProxyCA): CertificateAndKey {
    return createClientCertificate(ca, cn, []);
  }

  /** A client certificate from the cluster's client CA (kubectl with a cert user). */
  newClientCertificate(user: string, groups: string[] = []): CertificateAndKey {
    return createClientCertificate(this.clientCA, user, groups);
  }

  /** What kube-apiserver publishes (cluster_authentication_trust_controller.go getConfigMapDataFor). */
  defaultAuthenticationData(): Record<string, string> {
    return {
      "client-ca-file": this.clientCA.certPem,
      "requestheader-client-ca-file": this.frontProxyCA.certPem,
      "requestheader-allowed-names": JSON.stringify([FRONT_PROXY_CN]),
      "requestheader-username-headers": JSON.stringify(["X-Remote-User"]),
      "requestheader-uid-headers": JSON.stringify([]),
      "requestheader-group-headers": JSON.stringify(["X-Remote-Group"]),
      "requestheader-extra-headers-prefix": JSON.stringify(["X-Remote-Extra-"]),
    };
  }

  /** Replaces the ConfigMap's data (watchers get MODIFIED). */
  setConfigMapData(data: Record<string, string>): void {
    this.put("configmaps/kube-system", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: CONFIGMAP_NAME, namespace: "kube-system" } as Obj["metadata"],
      data,
    });
  }

  /** Rotates the request-header CA: a new CA and front-proxy client certificate, published in the ConfigMap. */
  rotateFrontProxyCA(): void {
    this.frontProxyCA = createCA("front-proxy-ca-rotated");
    this.frontProxyClient = this.newFrontProxyClient();
    this.setConfigMapData(this.defaultAuthenticationData());
  }

  setNamespace(name: string, phase: "Active" | "Terminating" = "Active"): void {
    const ns: Obj = {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name } as Obj["metadata"],
      spec: { finalizers: ["kubernetes"] },
      status: { phase },
    };
    if (phase === "Terminating") ns.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    this.put("namespaces", ns);
  }

  deleteNamespace(name: string): void {
    const col = this.collection("namespaces");
    const obj = col.get(name);
    if (!obj) return;
    col.delete(name);
    this.emit("namespaces", "DELETED", { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } });
  }

  private collection(name: string): Map<string, Obj> {
    let col = this.collections.get(name);
    if (!col) this.collections.set(name, (col = new Map()));
    return col;
  }

  private put(collection: string, obj: Obj): void {
    const col = this.collection(collection);
    const existing = col.get(obj.metadata.name);
    obj.metadata.resourceVersion = String(++this.rv);
    obj.metadata.uid = existing?.metadata.uid ?? `uid-${obj.metadata.name}-${this.rv}`;
    obj.metadata.creationTimestamp = existing?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, "Z");
    col.set(obj.metadata.name, obj);
    this.emit(collection, existing ? "MODIFIED" : "ADDED", obj);
  }

  private emit(collection: string, type: Event["type"], object: Obj): void {
    const event: Event = { rv: Number(object.metadata.resourceVersion), collection, type, object: structuredClone(object) };
    this.events.push(event);
    for (const w of this.watchers) {
      if (w.collection === collection && (!w.name || w.name === object.metadata.name)) {
        w.res.write(JSON.stringify({ type, object: event.object }) + "\n");
      }
    }
  }

  private async body(req: IncomingMessage): Promise<any> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }

  private notFound(res: ServerResponse, resource: string, name: string): void {
    this.json(res, 404, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `${resource} "${name}" not found`,
      reason: "NotFound",
      details: { name, kind: resource },
      code: 404,
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    if (req.headers.authorization !== `Bearer ${CLIENT_TOKEN}`) {
      this.unauthenticatedCalls.push(`${req.method} ${url.pathname}`);
      return this.json(res, 401, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
    }
    const path = url.pathname;
    if (req.method === "POST" && path === "/apis/authentication.k8s.io/v1/tokenreviews") {
      const review = await this.body(req);
      this.tokenReviews.push(review.spec);
      const user = this.tokens.get(review.spec.token);
      const status = user
        ? { authenticated: true, user: { username: user.username, uid: user.uid, groups: user.groups ?? [], extra: user.extra }, audiences: review.spec.audiences ?? ["https://kubernetes.default.svc"] }
        : { authenticated: false, error: "token not found" };
      return this.json(res, 201, { ...review, status });
    }
    if (req.method === "POST" && path === "/apis/authorization.k8s.io/v1/subjectaccessreviews") {
      const review = await this.body(req);
      this.subjectAccessReviews.push(review.spec);
      const answer = this.authorize(review.spec);
      return this.json(res, 201, { ...review, status: answer });
    }
    if (req.method !== "GET") return this.json(res, 405, {});
    if (this.pods.handle(req, res, url)) return;

    let m: RegExpExecArray | null;
    if ((m = /^\/api\/v1\/namespaces\/kube-system\/configmaps(?:\/([^/]+))?$/.exec(path))) {
      return this.serveCollection(req, res, url, "configmaps/kube-system", "ConfigMapList", "configmaps", m[1]);
    }
    if ((m = /^\/api\/v1\/namespaces(?:\/([^/]+))?$/.exec(path))) {
      return this.serveCollection(req, res, url, "namespaces", "NamespaceList", "namespaces", m[1]);
    }
    this.json(res, 404, {});
  }

  private serveCollection(req: IncomingMessage, res: ServerResponse, url: URL, collection: string, listKind: string, resource: string, name?: string): void {
    const col = this.collection(collection);
    if (name) {
      const obj = col.get(name);
      return obj ? this.json(res, 200, obj) : this.notFound(res, resource, name);
    }
    const selected = /^metadata\.name=(.+)$/.exec(url.searchParams.get("fieldSelector") ?? "")?.[1];
    if (url.searchParams.get("watch") === "1" || url.searchParams.get("watch") === "true") {
      const from = Number(url.searchParams.get("resourceVersion") || this.rv);
      res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
      for (const e of this.events) {
        if (e.collection === collection && e.rv > from && (!selected || e.object.metadata.name === selected)) {
          res.write(JSON.stringify({ type: e.type, object: e.object }) + "\n");
        }
      }
      const watcher = { collection, name: selected, res };
      this.watchers.add(watcher);
      const timeout = Number(url.searchParams.get("timeoutSeconds") || 300);
      const timer = setTimeout(() => res.end(), timeout * 1000);
      const done = () => {
        clearTimeout(timer);
        this.watchers.delete(watcher);
      };
      res.on("close", done);
      req.on("close", done);
      return;
    }
    const items = [...col.values()].filter((o) => !selected || o.metadata.name === selected);
    this.json(res, 200, { kind: listKind, apiVersion: "v1", metadata: { resourceVersion: String(this.rv) }, items });
  }
}

export interface AggregatorRequest {
  port: number;
  /** The server's CA to verify its serving certificate. */
  ca: string;
  path: string;
  method?: string;
  /** Identity headers, as SetAuthProxyHeaders writes them; undefined = none. */
  user?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  /** The client certificate presented; undefined = none. */
  clientCert?: CertificateAndKey;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface SimpleResponse {
  status: number;
  headers: import("node:http").IncomingHttpHeaders;
  body: any;
}

/** One request as kube-aggregator proxies it (or as an impostor would, by choice of certificate). */
export function aggregatorRequest(r: AggregatorRequest): Promise<SimpleResponse> {
  const headers: Record<string, string | string[]> = { ...r.headers };
  if (r.user !== undefined) headers["X-Remote-User"] = r.user;
  if (r.groups) headers["X-Remote-Group"] = r.groups;
  for (const [k, v] of Object.entries(r.extra ?? {})) headers[`X-Remote-Extra-${encodeURIComponent(k)}`] = v;
  const payload = r.body === undefined ? undefined : JSON.stringify(r.body);
  if (payload) headers["Content-Type"] = "application/json";
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port: r.port,
        path: r.path,
        method: r.method ?? "GET",
        ca: r.ca,
        cert: r.clientCert?.certPem,
        key: r.clientCert?.keyPem,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // plain text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
