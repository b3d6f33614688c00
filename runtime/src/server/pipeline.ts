/**
 * The request pipeline, in the order of kube's DefaultBuildHandlerChain:
 * panic recovery -> Audit-ID and Cache-Control defaults -> request info ->
 * request deadline -> authentication -> max in-flight -> authorization ->
 * routing. One flat async function rather than nested wrappers, so a request
 * costs a few branches, not a stack of closures.
 */
import { type IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { RequestInfo } from "../api/request.js";
import { errors, type Status } from "../api/status.js";
import { keepUpgradeHead } from "../api/upgrade.js";
import { type Authenticator, withAuthenticatedGroup } from "./authentication.js";
import { type Authorizer, forbidden, PRIVILEGED_GROUP } from "./authorization.js";
import { parseGoDuration } from "@skai-gen/client/duration";
import { type HealthChecks, type HealthEndpoint, serveHealth } from "./health.js";
import { actingUser, describeImpersonation } from "./impersonation.js";
import { InFlightLimiter, TOO_MANY_REQUESTS_MESSAGE, type Release } from "./inflight.js";
import { healthLabels, requestLabels } from "./metrics.js";
import { isLongRunning, nonResourceInfo, parseRequestInfo } from "./request-info.js";
import { ServingContext } from "./request-context.js";
import { ignoreFurtherWrites, writeError, writePlainError, writeStatus } from "./responses.js";
import { route, type Routes } from "./routing.js";
import { reportServerError } from "./server-errors.js";
import type { VersionInfo } from "./version.js";
import { randomUUID } from "../apimachinery/uuid.js";
import { Deadlines } from "./deadlines.js";

export interface PipelineConfig extends Routes {
  version: VersionInfo;
  authenticate: Authenticator;
  authorize: Authorizer;
  limiter: InFlightLimiter;
  health: HealthChecks;
  /** Default and maximum timeout of non-long-running requests. */
  requestTimeoutMs: number;
  /** Long-running requests in progress, aborted on shutdown. */
  longRunning: Set<ServingContext>;
  log(message: string): void;
}

const HEALTH_ENDPOINTS: Record<string, HealthEndpoint> = { "/healthz": "healthz", "/livez": "livez", "/readyz": "readyz" };

export interface RequestListeners {
  request(req: IncomingMessage, res: ServerResponse): void;
  /**
   * Upgrade requests (WebSocket/SPDY for exec, attach, port-forward) run the
   * same pipeline. The handler gets a ServerResponse bound to the raw socket,
   * so refusals are ordinary Status responses; to switch protocols it writes
   * the 101 itself on `req.socket`. Bytes that arrived after the headers are in
   * `upgradeHead(req)` (api/upgrade.ts).
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export function createRequestListeners(cfg: PipelineConfig): RequestListeners {
  const versionBody = Buffer.from(JSON.stringify(cfg.version, null, 2));
  const deadlines = new Deadlines<ServingContext>(onTimeout);
  return {
    request(req, res) {
      void handle(cfg, deadlines, versionBody, req, res);
    },
    upgrade(req, socket, head) {
      keepUpgradeHead(req, head);
      const res = new ServerResponse(req);
      res.shouldKeepAlive = false;
      res.assignSocket(socket as Socket);
      // An answer that is not a protocol switch ends the connection: the HTTP parser has let go of it.
      res.on("finish", () => socket.end());
      socket.on("error", () => socket.destroy());
      void handle(cfg, deadlines, versionBody, req, res);
    },
  };
}

/** Splits req.url into a decoded path and the raw query; undefined for an undecodable path. */
function splitURL(target: string): { path: string; rawQuery: string } | undefined {
  // Clients never send fragments; Go drops one if they do.
  const hash = target.indexOf("#");
  const url = hash < 0 ? target : target.slice(0, hash);
  const q = url.indexOf("?");
  let path = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? "" : url.slice(q + 1);
  // Absolute-form request targets (GET https://host/path) carry the path after the authority.
  if (!path.startsWith("/")) {
    try {
      path = new URL(path).pathname;
    } catch {
      return undefined;
    }
  }
  if (path.includes("%")) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return undefined;
    }
  }
  return { path, rawQuery };
}

/**
 * The request's Audit-ID as Go's Header.Get reads it (WithAuditInit): the first line's value.
 * Node joins repeated lines with ", ", so a value with a comma is looked up in the raw lines.
 */
function requestAuditID(req: IncomingMessage): string | undefined {
  const joined = req.headers["audit-id"];
  if (typeof joined !== "string") return undefined;
  if (!joined.includes(",")) return joined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === "audit-id") return raw[i + 1];
  return joined;
}

function hasDotSegment(path: string): boolean {
  return path.includes("/./") || path.includes("/../") || path.endsWith("/.") || path.endsWith("/..");
}

const EMPTY_INFO: RequestInfo = nonResourceInfo("", "");

async function handle(cfg: PipelineConfig, deadlines: Deadlines<ServingContext>, versionBody: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = req.method ?? "GET";
  let info = EMPTY_INFO;
  let query: URLSearchParams | undefined;
  let release: Release | undefined;
  let timed = false;
  let ctx: ServingContext | undefined;
  try {
    res.setHeader("Audit-ID", requestAuditID(req) || randomUUID());
    res.setHeader("Cache-Control", "no-cache, private");

    const url = splitURL(req.url ?? "/");
    if (!url) return writeStatus(res, errors.badRequest("invalid URL escape in the request path").status);
    const { path } = url;
    query = new URLSearchParams(url.rawQuery);
    info = parseRequestInfo(method, path, query);
    if (hasDotSegment(path)) {
      return writeStatus(res, errors.badRequest(`the path ${JSON.stringify(path)} contains "." or ".." segments`).status);
    }

    // Probes need no credentials (kube's always-allowed health paths).
    const healthRoot = healthPrefix(path);
    if (healthRoot) {
      const served = await serveHealth(req, res, HEALTH_ENDPOINTS[healthRoot], cfg.health[HEALTH_ENDPOINTS[healthRoot]], path.slice(healthRoot.length), query);
      if (!served) writePlainError(res, 404, "404 page not found");
      return;
    }

    const longRunning = isLongRunning(info);
    let timeoutMs = cfg.requestTimeoutMs;
    if (!longRunning) {
      const requested = query.get("timeout");
      if (requested) {
        let ms: number;
        try {
          ms = parseGoDuration(requested);
        } catch (err) {
          return writeStatus(res, errors.badRequest(`invalid timeout specified in the request URL - ${(err as Error).message}`).status);
        }
        if (ms > 0 && ms < timeoutMs) timeoutMs = ms;
      }
    }

    // Authenticators and authorizers may be synchronous; skip the microtask hop when they are.
    const authn = cfg.authenticate(req);
    const authenticated = authn instanceof Promise ? await authn : authn;
    if (!authenticated) return writeStatus(res, errors.unauthorized("Unauthorized").status);
    const requestor = withAuthenticatedGroup(authenticated);
    // Impersonate-* headers switch the user here, as kube's WithImpersonation sits before max-in-flight.
    const acting = actingUser(req, requestor, cfg.authorize);
    const user = acting instanceof Promise ? await acting : acting;

    if (!longRunning) {
      release = cfg.limiter.acquire(info, method, user);
      if (!release) {
        res.setHeader("Retry-After", "1");
        return writePlainError(res, 429, TOO_MANY_REQUESTS_MESSAGE);
      }
    }

    if (!user.groups.includes(PRIVILEGED_GROUP)) {
      const authz = cfg.authorize(user, info, query);
      const decision = authz instanceof Promise ? await authz : authz;
      if (!decision.allowed) return writeStatus(res, forbidden(user, info, decision.reason).status);
    }

    ctx = new ServingContext(req, res, info, user, query, user === requestor ? undefined : requestor);
    // Connect subresources ask again with verb create (WebSocket exec arrives as a get).
    ctx.authorizer = cfg.authorize;
    if (longRunning) cfg.longRunning.add(ctx);
    else {
      deadlines.add(ctx, timeoutMs);
      timed = true;
    }
    await route(cfg, ctx, path, versionBody, method);
  } catch (err) {
    // Panic recovery: a StatusError is written as is, anything else as a 500 (a 5xx is logged once, below);
    // an error that can no longer be answered is logged here.
    if (res.headersSent && !(err instanceof Error && err.name === "StatusError")) {
      const impersonation = ctx?.impersonatedBy ? ` (${describeImpersonation(ctx.impersonatedBy, ctx.user)})` : "";
      cfg.log(`request ${method} ${req.url}${impersonation} failed: ${(err as Error)?.stack ?? err}`);
    }
    // A response already complete stays as it is; half a response can only be cut off.
    if (res.writableEnded) return;
    if (res.headersSent) res.destroy();
    else writeError(res, err);
  } finally {
    if (timed) deadlines.delete(ctx!);
    release?.();
    if (ctx) cfg.longRunning.delete(ctx);
    const seconds = (performance.now() - started) / 1000;
    const health = healthPrefix(info.path);
    const dryRun = query?.has("dryRun") ? query.getAll("dryRun") : [];
    cfg.metrics.observe(
      health ? healthLabels(health, res.statusCode) : requestLabels(info, method, req.headers["content-type"], dryRun, res.statusCode),
      seconds,
    );
    reportServerError({ req, res, info, method, user: ctx?.user, requestor: ctx?.impersonatedBy }, cfg.log, cfg.metrics);
  }
}

function healthPrefix(path: string): string | undefined {
  for (const root of ["/healthz", "/livez", "/readyz"]) {
    if (path === root || path.startsWith(root + "/")) return root;
  }
  return undefined;
}

/** Status of kube's timeout filter (NewTimeoutError with no retry). */
const TIMEOUT_STATUS: Status = {
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: "Timeout: request did not complete within requested timeout - context deadline exceeded",
  reason: "Timeout",
  details: {},
  code: 504,
};

function onTimeout(ctx: ServingContext): void {
  const res = ctx.res;
  ctx.abort(new Error("request timed out"));
  if (res.writableEnded) return;
  if (res.headersSent) {
    // Half a response cannot be turned into an error: drop the connection, as kube does.
    res.destroy();
    return;
  }
  writeStatus(res, TIMEOUT_STATUS);
  ignoreFurtherWrites(res);
}
