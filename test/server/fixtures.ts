/** Shared fixtures of the serving-layer tests: hand-written definitions, certificates and an HTTPS client. */
import { request } from "node:https";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Handler } from "../../runtime/src/api/request.js";
import type { ResourceDefinition } from "../../runtime/src/api/resource.js";
import type { Storage } from "../../runtime/src/storage/interface.js";
import { createClientCertificate, ensureCertificates, type LocalCertificates } from "../../runtime/src/server/certs.js";
import { createApiServer, type ApiServer, type ApiServerOptions } from "../../runtime/src/server/index.js";

function definition(partial: Partial<ResourceDefinition> & Pick<ResourceDefinition, "kind" | "plural" | "singular">): ResourceDefinition {
  return {
    group: "skai.io",
    version: "v1alpha1",
    listKind: `${partial.kind}List`,
    namespaced: true,
    shortNames: [],
    categories: [],
    subresources: { status: false, log: false, exec: false, custom: [] },
    printColumns: [],
    selectableFields: [],
    schema: { type: "object" },
    applyDefaults() {},
    validate: () => [],
    ...partial,
  };
}

export const notebooks = definition({
  kind: "Notebook",
  plural: "notebooks",
  singular: "notebook",
  shortNames: ["nb"],
  categories: ["skai", "all"],
  subresources: { status: true, log: true, exec: true, custom: [] },
});

export const trainingJobs = definition({
  kind: "TrainingJob",
  plural: "trainingjobs",
  singular: "trainingjob",
  shortNames: ["tj"],
  subresources: { status: true, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" }, log: false, exec: false, custom: [] },
});

export const clusterQueues = definition({
  kind: "ClusterQueue",
  plural: "clusterqueues",
  singular: "clusterqueue",
  namespaced: false,
});

export const resources = [notebooks, trainingJobs, clusterQueues];

export const openapi = {
  v2: { swagger: "2.0", info: { title: "skai", version: "v1alpha1" }, paths: {} },
  v3: { "apis/skai.io/v1alpha1": { openapi: "3.0.0", info: { title: "skai", version: "v1alpha1" }, paths: {}, components: { schemas: {} } } },
};

/** A storage that is never reached: these tests stop at the serving layer. */
export const unusedStorage = new Proxy({} as Storage, {
  get: (_t, prop) => (prop === "then" ? undefined : () => Promise.reject(new Error(`storage.${String(prop)} not expected`))),
});

/** Answers every routed resource request with its RequestInfo, so routing can be observed. */
export const echoHandler: Handler = async (ctx) => {
  const body = JSON.stringify({ info: ctx.info, user: ctx.user });
  ctx.res.writeHead(200, { "Content-Type": "application/json" });
  ctx.res.end(body);
};

let shared: LocalCertificates | undefined;
export function certificates(): LocalCertificates {
  shared ??= ensureCertificates(mkdtempSync(join(tmpdir(), "skai-certs-")));
  return shared;
}

export interface TestServer {
  api: ApiServer;
  port: number;
  certs: LocalCertificates;
  close(): Promise<void>;
}

export async function startServer(overrides: Partial<ApiServerOptions> = {}): Promise<TestServer> {
  const certs = certificates();
  const api = createApiServer({
    resources,
    openapi,
    storage: unusedStorage,
    tls: { cert: certs.serving.certPem, key: certs.serving.keyPem, clientCA: certs.ca.certPem },
    port: 0,
    resourceHandler: echoHandler,
    log: () => {},
    ...overrides,
  });
  const { port } = await api.listen();
  return { api, port, certs, close: () => api.close() };
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  /** Client certificate; default the admin's. null for none. */
  client?: { certPem: string; keyPem: string } | null;
  body?: string;
}

export function call(server: TestServer, path: string, opts: RequestOptions = {}): Promise<Response> {
  const client = opts.client === undefined ? server.certs.admin : opts.client;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        path,
        method: opts.method ?? "GET",
        headers: opts.headers,
        ca: server.certs.ca.certPem,
        cert: client?.certPem,
        key: client?.keyPem,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body) });
        });
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

export function userCertificate(user: string, groups: string[]) {
  return createClientCertificate(certificates().ca, user, groups);
}
