/**
 * The apiserver: HTTPS in front of the resource handlers, with kube's filter
 * chain (pipeline.ts), discovery, OpenAPI, health and metrics, and a graceful close.
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Handler } from "../api/request.js";
import type { ResourceDefinition } from "../api/resource.js";
import { createVersionedResourceHandler } from "./versioned-handler.js";
import type { ResourceHandlerOptions } from "../endpoints/index.js";
import type { Storage } from "../storage/interface.js";
import { type Authenticator, x509Authenticator } from "./authentication.js";
import { allowAll, type Authorizer } from "./authorization.js";
import { answerClientError, IDLE_TIMEOUT_MS, MAX_HEADER_BYTES, READ_HEADER_TIMEOUT_MS } from "./client-errors.js";
import { buildDiscovery } from "./discovery.js";
import { type HealthCheck, pingCheck, shutdownCheck } from "./health.js";
import { InFlightLimiter } from "./inflight.js";
import { RequestMetrics } from "./metrics.js";
import { buildOpenAPI, type OpenAPIDocuments } from "./openapi.js";
import { createRequestListeners } from "./pipeline.js";
import { ignoreFurtherWrites } from "./responses.js";
import type { ServingContext } from "./request-context.js";
import { ResourceRouter } from "./resource-routes.js";
import { defaultVersionInfo, type VersionInfo } from "./version.js";

export interface TLSMaterial {
  /** PEM serving certificate (chain). */
  cert: string | Buffer;
  key: string | Buffer;
  /** PEM bundle that client certificates must chain to; without it no client certificate authenticates. */
  clientCA?: string | Buffer;
}

export interface ApiServerOptions {
  resources: ResourceDefinition[];
  openapi: OpenAPIDocuments;
  storage: Storage;
  tls: TLSMaterial;
  /** Default 127.0.0.1. */
  bindAddress?: string;
  /** Default 8443; 0 picks a free port. */
  port?: number;
  /** Handles routed resource requests; default: the endpoints layer's createResourceHandler. */
  resourceHandler?: Handler;
  /** Options for the default resource handler (the endpoints layer's ResourceHandlerOptions). */
  resourceHandlerOptions?: ResourceHandlerOptions;
  /** Overrides for /version. */
  version?: Partial<VersionInfo>;
  /** Default: client certificates verified against tls.clientCA. */
  authenticator?: Authenticator;
  /** Default: allow every authenticated user. system:masters is always allowed. */
  authorizer?: Authorizer;
  /** --max-requests-inflight, default 400; 0 = unlimited. */
  maxRequestsInFlight?: number;
  /** --max-mutating-requests-inflight, default 200; 0 = unlimited. */
  maxMutatingRequestsInFlight?: number;
  /** --request-timeout in ms, default 60 000. Watches and connect subresources are exempt. */
  requestTimeoutMs?: number;
  /** Extra checks for /healthz, /livez and /readyz (e.g. a storage ping). */
  healthChecks?: HealthCheck[];
  /** Extra checks for /readyz only. */
  readinessChecks?: HealthCheck[];
  /** How long close() lets in-flight requests finish before dropping connections. Default 5 s. */
  shutdownGraceMs?: number;
  log?: (message: string) => void;
}

export interface ApiServer {
  listen(): Promise<{ port: number; address: string }>;
  close(): Promise<void>;
  readonly server: Server;
  readonly metrics: RequestMetrics;
}

export function createApiServer(opts: ApiServerOptions): ApiServer {
  const log = opts.log ?? ((m: string) => console.error(m));
  const metrics = new RequestMetrics();
  const longRunning = new Set<ServingContext>();
  let shuttingDown = false;

  const common = [pingCheck, ...(opts.healthChecks ?? [])];
  const listeners = createRequestListeners({
    discovery: buildDiscovery(opts.resources),
    openapi: buildOpenAPI(opts.openapi),
    version: defaultVersionInfo(opts.version),
    router: new ResourceRouter(opts.resources),
    resourceHandler: opts.resourceHandler ?? createVersionedResourceHandler(opts.resources, opts.storage, { log, ...opts.resourceHandlerOptions }),
    authenticate: opts.authenticator ?? (opts.tls.clientCA ? x509Authenticator() : () => null),
    authorize: opts.authorizer ?? allowAll,
    limiter: new InFlightLimiter(
      { readOnly: opts.maxRequestsInFlight ?? 400, mutating: opts.maxMutatingRequestsInFlight ?? 200 },
      metrics,
    ),
    metrics,
    health: {
      healthz: common,
      livez: common,
      readyz: [...common, ...(opts.readinessChecks ?? []), shutdownCheck(() => shuttingDown)],
    },
    requestTimeoutMs: opts.requestTimeoutMs ?? 60_000,
    longRunning,
    log,
  });

  const server = createServer(
    {
      cert: opts.tls.cert,
      key: opts.tls.key,
      // The CA list is what the handshake advertises and what `authorized` checks. Without one Node would
      // check against the public roots, so the built-in x509 authenticator is only used with a client CA;
      // a custom authenticator verifies chains itself and still needs the certificate asked for.
      ...(opts.tls.clientCA ? { ca: opts.tls.clientCA } : {}),
      requestCert: !!opts.tls.clientCA || !!opts.authenticator,
      // Request, never require: health probes and token clients come without certificates.
      rejectUnauthorized: false,
      keepAlive: true,
      // kube's secure serving: MaxHeaderBytes 1 MiB (the URL counts), ReadHeaderTimeout 32 s, IdleTimeout
      // 90 s and no read timeout for bodies: our own timeout filter decides, Node's would cut watches and
      // slow large bodies that kube accepts.
      maxHeaderSize: MAX_HEADER_BYTES,
      keepAliveTimeout: IDLE_TIMEOUT_MS,
      requestTimeout: 0,
      headersTimeout: READ_HEADER_TIMEOUT_MS,
      // how often headersTimeout is checked (Node's default, 30 s, would let a slow client hold a socket 62 s)
      connectionsCheckingInterval: 2_000,
    },
    listeners.request,
  );
  server.on("upgrade", listeners.upgrade);
  server.on("clientError", (err: Error & { code?: string }, socket) => answerClientError(err, socket, log));
  server.keepAliveTimeout = IDLE_TIMEOUT_MS;

  return {
    server,
    metrics,
    listen() {
      return new Promise((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once("error", onError);
        server.listen(opts.port ?? 8443, opts.bindAddress ?? "127.0.0.1", () => {
          server.off("error", onError);
          const a = server.address() as AddressInfo;
          resolve({ port: a.port, address: a.address });
        });
      });
    },
    async close() {
      shuttingDown = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Watches would hold the server open forever: end them, as kube does on shutdown.
      const upgraded: Array<{ destroy(): void }> = [];
      for (const ctx of longRunning) {
        ctx.abort(new Error("server shutting down"));
        if (ctx.req.headers.upgrade) {
          // The socket may speak another protocol by now: let the handler close it, else cut it after the grace period.
          upgraded.push(ctx.req.socket);
          continue;
        }
        ctx.res.end();
        ignoreFurtherWrites(ctx.res);
      }
      server.closeIdleConnections();
      const grace = setTimeout(() => {
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      }, opts.shutdownGraceMs ?? 5000);
      await closed;
      clearTimeout(grace);
    },
  };
}
