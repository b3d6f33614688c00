import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { type ClientOptions, type ConnectionState, hasDynamicCredentials, resolveConnection } from "./config.js";
import { TimeoutError, errorFromResponse } from "./errors.js";
import { sleep } from "./watch.js";

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path below the server URL, with its query string. */
  path: string;
  body?: string | Buffer;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /** Milliseconds; undefined = the client default, 0 = none. */
  timeoutMs?: number;
}

export interface HttpResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const REFRESH_EVERY_MS = 60_000;
/** client-go retries up to 10 times; a shorter cap keeps a struggling server from stalling callers for long. */
const MAX_RETRY_AFTER_ATTEMPTS = 5;
const MAX_RETRY_AFTER_MS = 10_000;

/** Milliseconds a Retry-After header (seconds) asks for, capped; undefined when absent or malformed. */
function retryAfterMs(h: string | string[] | undefined): number | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Number(v) * 1000);
}

/**
 * The one HTTP path of the client. Requests go through Node's http(s) module
 * on a keep-alive agent resolved once from the kubeconfig; per request we only
 * copy a headers object, so overhead over a raw request stays small. Dynamic
 * credentials (exec plugins, token files) are re-resolved in the background
 * every minute and right away on a 401.
 */
export class Transport {
  private state?: ConnectionState;
  private pending?: Promise<ConnectionState>;
  private refreshedAt = 0;
  private readonly dynamic: boolean;
  private readonly base: URL;
  private readonly basePath: string;
  private readonly send: typeof https.request;
  /** Prebuilt header objects per request shape, rebuilt when credentials change. */
  private getHeaders?: Record<string, string>;
  readonly defaultTimeoutMs: number;
  private readonly warned = new Set<string>();

  constructor(
    readonly kubeConfig: KubeConfig,
    readonly options: ClientOptions,
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig: no current cluster (set a current context)");
    this.base = new URL(cluster.server);
    this.basePath = this.base.pathname.replace(/\/+$/, "");
    this.send = this.base.protocol === "http:" ? (http.request as unknown as typeof https.request) : https.request;
    this.dynamic = hasDynamicCredentials(kubeConfig);
    this.defaultTimeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The server URL of the current context. */
  get server(): string {
    return this.base.href;
  }

  /** Sends a request and returns the response whatever its status. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const state = this.current() ?? (await this.connection());
    let res = await this.once(state, req, false);
    if (res.statusCode === 401 && this.dynamic) {
      // A rotated token: resolve credentials again and retry once.
      res = await this.once(await this.connection(true), req, false);
    }
    // 429 and 5xx with Retry-After mean "not processed, come back": retry as client-go does.
    for (let attempt = 1; attempt <= MAX_RETRY_AFTER_ATTEMPTS && (res.statusCode === 429 || res.statusCode >= 500); attempt++) {
      const wait = retryAfterMs(res.headers["retry-after"]);
      if (wait === undefined || req.signal?.aborted) break;
      await sleep(wait, req.signal);
      res = await this.once(this.state ?? state, req, false);
    }
    return res;
  }

  /** Sends a request, throws `ApiError` on a non-2xx status, parses the JSON body. */
  async json<T>(req: HttpRequest): Promise<T> {
    const res = await this.request(req);
    if (res.headers.warning !== undefined) this.warn(res.headers.warning);
    if (res.statusCode < 200 || res.statusCode > 299) throw errorFromResponse(res.statusCode, res.body, res.headers);
    return (res.body ? JSON.parse(res.body) : undefined) as T;
  }

  /**
   * Opens a streaming response (watch, log). A non-2xx status is read to the
   * end and thrown as `ApiError`; the caller owns the stream otherwise.
   */
  async stream(req: HttpRequest): Promise<http.IncomingMessage> {
    const state = this.current() ?? (await this.connection());
    let res = await this.once(state, req, true);
    if (res.statusCode === 401 && this.dynamic) {
      res.resume();
      res = await this.once(await this.connection(true), req, true);
    }
    const code = res.statusCode ?? 0;
    if (code < 200 || code > 299) {
      const body = await readBody(res);
      throw errorFromResponse(code, body, res.headers);
    }
    return res;
  }

  /**
   * Passes `Warning: 299 - "text"` headers (deprecations, unknown fields under
   * fieldValidation=Warn) to options.onWarning; by default prints each distinct
   * text once to stderr, as kubectl shows them without flooding a controller's log.
   */
  private warn(header: string | string[]): void {
    for (const h of Array.isArray(header) ? header : [header]) {
      for (const m of h.matchAll(/(\d{3}) \S+ "((?:[^"\\]|\\.)*)"/g)) {
        if (m[1] !== "299") continue;
        const text = m[2]!.replace(/\\(.)/g, "$1");
        if (this.options.onWarning) this.options.onWarning(text);
        else if (this.warned.size < 1000 && !this.warned.has(text)) {
          this.warned.add(text);
          process.stderr.write(`Warning: ${text}\n`);
        }
      }
    }
  }

  /**
   * Where and how to open a connection of another protocol (exec over
   * WebSocket): the ws(s) URL of `path` and the credentials requests carry.
   */
  async dial(path: string): Promise<{ url: string; headers: Record<string, string>; agent: http.Agent }> {
    const state = this.current() ?? (await this.connection());
    const url = `${this.base.protocol === "http:" ? "ws:" : "wss:"}//${this.base.host}${this.basePath}${path}`;
    const { accept: _accept, ...headers } = state.headers;
    return { url, headers, agent: state.agent };
  }

  /** Closes idle keep-alive sockets so the process can exit. */
  close(): void {
    this.state?.agent.destroy();
  }

  /** The resolved connection, if any; starts a background refresh of dynamic credentials when due. */
  private current(): ConnectionState | undefined {
    if (this.state && this.dynamic && !this.pending && Date.now() - this.refreshedAt > REFRESH_EVERY_MS) {
      this.connection(true).catch(() => {
        // Keep the old credentials; the next 401 retries the refresh.
      });
    }
    return this.state;
  }

  private connection(force = false): Promise<ConnectionState> {
    if (this.state && !force) return Promise.resolve(this.state);
    if (this.pending) return this.pending;
    this.pending = resolveConnection(this.kubeConfig, this.options, this.state)
      .then((s) => {
        this.state = s;
        this.getHeaders = { ...s.headers, accept: "application/json" };
        this.refreshedAt = Date.now();
        return s;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  private once(state: ConnectionState, req: HttpRequest, streaming: false): Promise<HttpResponse>;
  private once(state: ConnectionState, req: HttpRequest, streaming: true): Promise<http.IncomingMessage>;
  private once(state: ConnectionState, req: HttpRequest, streaming: boolean): Promise<HttpResponse | http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      let headers: Record<string, string>;
      if (req.body === undefined && req.accept === undefined && this.getHeaders) headers = this.getHeaders;
      else {
        headers = { ...state.headers, accept: req.accept ?? "application/json" };
        if (req.body !== undefined) {
          headers["content-type"] = req.contentType ?? "application/json";
          headers["content-length"] = String(Buffer.byteLength(req.body));
        }
      }
      const timeoutMs = streaming ? 0 : (req.timeoutMs ?? this.defaultTimeoutMs);
      let timer: NodeJS.Timeout | undefined;
      const signal = streaming ? req.signal : undefined;
      if (signal?.aborted) return reject(abortError(signal));
      const abortRequest = () => r.destroy(abortError(signal!));
      const r = this.send(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          method: req.method,
          path: this.basePath + req.path,
          headers,
          agent: state.agent,
          // Streams handle their signal below, so an abort mid-stream surfaces as AbortError, not "aborted".
          signal: streaming ? undefined : req.signal,
        },
        (res) => {
          if (streaming) {
            if (timer) clearTimeout(timer);
            if (signal) {
              signal.removeEventListener("abort", abortRequest);
              const abortStream = () => res.destroy(abortError(signal));
              signal.addEventListener("abort", abortStream, { once: true });
              res.once("close", () => signal.removeEventListener("abort", abortStream));
            }
            resolve(res);
            return;
          }
          res.setEncoding("utf8");
          let body = "";
          res.on("data", (c: string) => (body += c));
          res.on("end", () => {
            if (timer) clearTimeout(timer);
            resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body });
          });
          res.on("error", (e) => {
            if (timer) clearTimeout(timer);
            reject(e);
          });
        },
      );
      r.on("error", (e: NodeJS.ErrnoException) => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener("abort", abortRequest);
        // A keep-alive socket the server closed while idle: safe to resend once on a fresh one.
        if (r.reusedSocket && e.code === "ECONNRESET" && (req.method === "GET" || req.method === "PUT" || req.method === "DELETE")) {
          this.once(state, req, streaming as true).then(resolve, reject);
          return;
        }
        reject(e);
      });
      signal?.addEventListener("abort", abortRequest, { once: true });
      if (timeoutMs > 0) {
        timer = setTimeout(() => r.destroy(new TimeoutError(timeoutMs)), timeoutMs);
        timer.unref?.();
      }
      if (req.body !== undefined) r.end(req.body);
      else r.end();
    });
  }
}

export function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    res.setEncoding("utf8");
    let body = "";
    res.on("data", (c: string) => (body += c));
    res.on("end", () => resolve(body));
    res.on("error", reject);
  });
}

/** The error fetch and Node's APIs reject with when a signal aborts. */
function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  return new DOMException("This operation was aborted", "AbortError");
}
