import type http from "node:http";
import https from "node:https";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";

/** How to build a client; every field is optional and defaults as kubectl does. */
export interface ClientOptions {
  /** A loaded KubeConfig; default: `loadFromDefault()` (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeConfig?: KubeConfig;
  /** Path of a kubeconfig file, instead of `kubeConfig`. */
  kubeconfigPath?: string;
  /** Context to use instead of the current one. */
  context?: string;
  /** Timeout of non-streaming requests in milliseconds (default 30 000; 0 = none). */
  timeoutMs?: number;
  /** User-Agent header; default: the generated client's (`<name>-client`), else the program's name as client-go does. */
  userAgent?: string;
  /** Default `fieldManager` for writes that do not name one. */
  fieldManager?: string;
  /** Receives the text of each server warning (code 299); default: print each distinct one once to stderr. */
  onWarning?: (text: string) => void;
  /** Upper bound of concurrent connections to the server (default unlimited, as Node's agent). */
  maxSockets?: number;
  /** Wire format of get/list/create/update: JSON (default) or Kubernetes protobuf for kinds that have it. */
  contentType?: "json" | "protobuf";
}

/** A generated client's constructor accepts a KubeConfig, a kubeconfig path or options. */
export type ClientConfig = KubeConfig | string | ClientOptions;

/** Defaults a generated client class sets for its API; the caller's options win. */
export type ClientDefaults = Pick<ClientOptions, "userAgent">;

export function normalizeConfig(config: ClientConfig | undefined, defaults: ClientDefaults = {}): { kc: KubeConfig; opts: ClientOptions } {
  if (config instanceof KubeConfig) return { kc: config, opts: { ...defaults } };
  const given: ClientOptions = typeof config === "string" ? { kubeconfigPath: config } : (config ?? {});
  const opts: ClientOptions = { ...given, userAgent: given.userAgent ?? defaults.userAgent };
  let kc = opts.kubeConfig;
  if (!kc) {
    kc = new KubeConfig();
    if (opts.kubeconfigPath) kc.loadFromFile(opts.kubeconfigPath);
    else kc.loadFromDefault();
  }
  if (opts.context) kc.setCurrentContext(opts.context);
  return { kc, opts };
}

/** The resolved connection: one keep-alive agent and the headers every request carries. */
export interface ConnectionState {
  agent: http.Agent;
  /** Authorization, Impersonate-User, User-Agent... */
  headers: Record<string, string>;
  /** TLS material the agent was built from, to tell when an exec plugin rotated a client certificate. */
  tlsKey: string;
}

/**
 * Resolves the current context to a connection. client-node's
 * `applyToHTTPSOptions` runs the authenticators (tokens, token files, exec
 * plugins, OIDC) and reads the TLS files; the agent it builds is a fresh
 * non-keep-alive one, so we build our own from the same options and reuse it
 * for every request (per-request agent or TLS setup would dominate latency).
 */
export async function resolveConnection(kc: KubeConfig, opts: ClientOptions, previous?: ConnectionState): Promise<ConnectionState> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("kubeconfig: no current cluster (set a current context)");
  const o: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(o);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.headers ?? {})) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  if (o.auth) headers["authorization"] = `Basic ${Buffer.from(o.auth).toString("base64")}`;
  headers["user-agent"] = opts.userAgent ?? programUserAgent();

  const tlsKey = [String(o.ca ?? ""), String(o.cert ?? ""), String(o.key ?? ""), String(o.rejectUnauthorized), o.servername ?? ""].join("\0");
  if (previous && previous.tlsKey === tlsKey) return { agent: previous.agent, headers, tlsKey };
  previous?.agent.destroy();

  let agent: http.Agent;
  if (cluster.proxyUrl) {
    // client-node builds the right proxy agent (http/https/socks); proxies are rare enough to take it as is.
    agent = o.agent as http.Agent;
  } else if (cluster.server.startsWith("http:")) {
    const httpMod = await import("node:http");
    agent = new httpMod.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? Infinity });
  } else {
    agent = new https.Agent({
      keepAlive: true,
      maxSockets: opts.maxSockets ?? Infinity,
      // Strings, not Buffers: https.Agent#getName concatenates ca/cert/key into the pool key on every
      // request, and a Buffer would be decoded each time.
      ca: pemString(o.ca),
      cert: pemString(o.cert),
      key: pemString(o.key),
      pfx: o.pfx,
      passphrase: o.passphrase,
      servername: o.servername,
      ...(o.rejectUnauthorized !== undefined ? { rejectUnauthorized: o.rejectUnauthorized } : {}),
    });
  }
  return { agent, headers, tlsKey };
}

/** True when credentials can change while the program runs (exec plugins, auth providers, token files). */
export function hasDynamicCredentials(kc: KubeConfig): boolean {
  const u = kc.getCurrentUser() as (Record<string, unknown> & { exec?: unknown; authProvider?: unknown }) | null;
  return !!u && (!!u.exec || !!u.authProvider || !!u["tokenFile"]);
}

/** client-go's DefaultKubernetesUserAgent without a build version: `<program> (<os>/<arch>)`. */
function programUserAgent(): string {
  const program = path.basename(process.argv[1] ?? process.argv0).replace(/\.[cm]?[jt]s$/, "") || "node";
  return `${program} (${process.platform}/${process.arch})`;
}

function pemString<T>(v: T): T | string {
  return Buffer.isBuffer(v) ? v.toString("utf8") : v;
}
