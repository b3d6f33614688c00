/**
 * A connection to kube-apiserver: where it is and how to authenticate, loaded
 * the way kubectl and client-go do (a kubeconfig file, else the in-cluster
 * service account), with @kubernetes/client-node's KubeConfig. Requests go over
 * plain node:https with one keep-alive agent, because the review calls sit on
 * the request path.
 */
import https from "node:https";
import { basename } from "node:path";
import { createHash } from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";

export interface ClusterResponse<T = unknown> {
  status: number;
  body: T;
}

export interface RequestOptions {
  /** Milliseconds before the request is aborted; 10 s like kube's webhook clients. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class ClusterConnection {
  private agent?: { key: string; agent: https.Agent };

  private constructor(
    private readonly kubeconfig: KubeConfig,
    /** `https://host:port` plus any path prefix, without a trailing slash. */
    readonly server: string,
    /** The User-Agent of every request: the server's program, as client-go's default names the binary. */
    private readonly userAgent: string,
  ) {}

  /**
   * `path` = a kubeconfig file; without it the in-cluster config when running
   * in a pod, else null (no cluster: delegated features stay off, as kube's
   * generic apiserver does with a warning).
   */
  static async load(path?: string, userAgent = defaultUserAgent()): Promise<ClusterConnection | null> {
    // Loaded lazily: the client library is large and standalone mode never needs it.
    const { KubeConfig } = await import("@kubernetes/client-node");
    const kc = new KubeConfig();
    if (path) kc.loadFromFile(path);
    else if (process.env.KUBERNETES_SERVICE_HOST && process.env.KUBERNETES_SERVICE_PORT) kc.loadFromCluster();
    else return null;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig ${path ?? "(in-cluster)"} has no current cluster`);
    return new ClusterConnection(kc, cluster.server.replace(/\/+$/, ""), userAgent);
  }

  /**
   * TLS material and headers for one request. KubeConfig re-reads token files
   * (projected service-account tokens rotate), so this runs per request; the
   * agent is reused while the TLS material is unchanged.
   */
  private async requestOptions(): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = { headers: {} };
    await this.kubeconfig.applyToHTTPSOptions(opts);
    const material = [opts.ca, opts.cert, opts.key, opts.rejectUnauthorized, opts.servername].map(String).join("\0");
    const key = createHash("sha256").update(material).digest("hex");
    if (this.agent?.key !== key) {
      this.agent?.agent.destroy();
      this.agent = {
        key,
        agent: new https.Agent({
          keepAlive: true,
          ca: opts.ca,
          cert: opts.cert,
          key: opts.key,
          rejectUnauthorized: opts.rejectUnauthorized,
          servername: opts.servername,
        }),
      };
    }
    return { headers: opts.headers, auth: opts.auth, agent: this.agent.agent };
  }

  /** One JSON request; the body of any status is returned parsed (kube answers errors as Status). */
  async request<T = unknown>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<ClusterResponse<T>> {
    const res = await this.open(method, path, body, options);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // a non-JSON error page: keep the text for the error message
    }
    return { status: res.statusCode ?? 0, body: parsed as T };
  }

  /**
   * Credentials for a connection of another protocol (exec over WebSocket):
   * the TLS agent and the auth headers a request would carry.
   */
  async dialOptions(): Promise<{ headers: Record<string, string>; agent: https.Agent }> {
    const base = await this.requestOptions();
    const headers: Record<string, string> = { "User-Agent": this.userAgent };
    for (const [k, v] of Object.entries(base.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (base.auth) headers.Authorization = `Basic ${Buffer.from(base.auth).toString("base64")}`;
    return { headers, agent: base.agent as https.Agent };
  }

  /** A streaming GET (watch); the caller reads the response and destroys it to stop. */
  async stream(path: string, options: RequestOptions = {}) {
    return this.open("GET", path, undefined, options);
  }

  private async open(method: string, path: string, body: unknown, options: RequestOptions) {
    const base = await this.requestOptions();
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = {
      ...(base.headers as Record<string, string>),
      Accept: "application/json",
      "User-Agent": this.userAgent,
    };
    if (payload) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = payload.length;
    }
    const signals = [options.signal, options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    const signal = signals.length ? AbortSignal.any(signals) : undefined;
    return new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
      const req = https.request(`${this.server}${path}`, { method, headers, agent: base.agent, auth: base.auth, signal }, resolve);
      req.on("error", reject);
      req.end(payload);
    });
  }
}

/** client-go's default when none is given: the program's file name and the platform. */
function defaultUserAgent(): string {
  return `${basename(process.argv[1] ?? process.argv0)} (${process.platform}/${process.arch})`;
}
