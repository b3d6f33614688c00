/** kube-apiserver-style command-line flags of a generated server. */
import { parseArgs } from "node:util";
import { delegatedAuthFlags, type FlagValues } from "../auth/index.js";
import { parseGoDuration } from "@skai-gen/client/duration";
import { inStateDir, type FlagDefaults, type ServerNames } from "./names.js";

export interface ServerFlags {
  securePort: number;
  bindAddress: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCAFile?: string;
  /** Extra SANs for the self-signed serving certificate. */
  tlsSANs: string[];
  storage: string;
  /** etcd key prefix and TLS client files (with an etcd:// storage). */
  etcdPrefix: string;
  etcdCAFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
  /** Serve watches and lists from the in-memory watch cache (--watch-cache, default true). */
  watchCache: boolean;
  certDir: string;
  kubeconfigOut: string;
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  requestTimeoutMs: number;
  /**
   * Authenticate and authorize through kube-apiserver (front-proxy headers, client
   * certificates and TokenReview; SubjectAccessReview): on with --delegated-auth or
   * any of --kubeconfig, --authentication-kubeconfig, --authorization-kubeconfig,
   * --requestheader-client-ca-file.
   */
  delegatedAuth: boolean;
  /** The delegated-auth flags as given (runtime/src/auth flag names), for delegatedAuthOptionsFromFlags. */
  authFlags: FlagValues;
  help: boolean;
}

/** Flags that only make sense with kube-apiserver behind us. */
const DELEGATION_FLAGS = ["kubeconfig", "authentication-kubeconfig", "authorization-kubeconfig", "requestheader-client-ca-file"];

type OptionSpec = { type: "string" | "boolean"; multiple?: boolean; short?: string };

/** The delegated-auth flags of runtime/src/auth, in parseArgs form (client-ca-file is shared with standalone mode). */
function authOptions(): Record<string, OptionSpec> {
  const out: Record<string, OptionSpec> = {};
  for (const f of delegatedAuthFlags) {
    out[f.name] = f.type === "boolean" ? { type: "boolean" } : f.type === "strings" ? { type: "string", multiple: true } : { type: "string" };
  }
  return out;
}

function authUsage(): string {
  return delegatedAuthFlags
    .filter((f) => f.name !== "client-ca-file")
    .map((f) => {
      const arg = f.type === "boolean" ? "" : f.type === "duration" ? " duration" : f.type === "strings" ? " strings" : " string";
      return `  --${f.name}${arg}\n      ${f.description}`;
    })
    .join("\n");
}

const AUTH_USAGE = authUsage();

/** The server's --help: the program's name and the defaults it runs with. */
export function serverUsage(names: ServerNames): string {
  const { program, stateDir, etcdPrefix } = names;
  return `Usage: ${program} [flags]

Secure serving:
  --secure-port int                     HTTPS port (default 8443; 0 picks a free port)
  --bind-address ip                     address to listen on (default 127.0.0.1; 0.0.0.0 for all interfaces)
  --tls-cert-file path                  serving certificate (PEM); without it a self-signed one is made in --cert-dir
  --tls-private-key-file path           key of --tls-cert-file
  --cert-dir path                       where generated certificates live (default ${inStateDir(stateDir, "certs")})
  --tls-san name                        extra hostname or IP for the generated serving certificate (repeatable)

Authentication:
  --client-ca-file path                 CA bundle for client certificates (default: the CA in --cert-dir)
  --kubeconfig-out path                 where to write the admin kubeconfig (default ${inStateDir(stateDir, "kubeconfig")})

Delegated authentication and authorization (behind kube-apiserver):
  --delegated-auth                      authenticate and authorize through kube-apiserver (in-cluster config
                                        unless --kubeconfig); implied by the kubeconfig and requestheader flags
${AUTH_USAGE}

Storage:
  --storage spec                        sqlite:<path>, memory: or etcd://host:port[,host:port...] (default ${defaultStorage(stateDir)})
  --etcd-prefix string                  etcd key prefix (default ${etcdPrefix})
  --etcd-cafile path                    CA bundle to verify etcd (https)
  --etcd-certfile path                  client certificate for etcd
  --etcd-keyfile path                   key of --etcd-certfile
  --watch-cache[=false]                 serve watches and lists from an in-memory cache (default true)

Limits:
  --max-requests-inflight int           read-only requests in flight before 429 (default 400, 0 = no limit)
  --max-mutating-requests-inflight int  mutating requests in flight before 429 (default 200, 0 = no limit)
  --request-timeout duration            timeout of non-watch requests (default 60s)

  -h, --help                            this help
`;
}

function defaultStorage(stateDir: string): string {
  return `sqlite:${inStateDir(stateDir, "data.db")}`;
}

function integer(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`invalid argument "${value}" for "--${flag}" flag: must be a non-negative integer`);
  return Number(value);
}

/**
 * Throws an Error with a user-facing message on unknown flags or bad values.
 * Paths default to files in the server's state folder.
 */
export function parseServerFlags(argv: string[], defaults: FlagDefaults): ServerFlags {
  // kube's `--watch-cache=false`: parseArgs booleans take no value, so it is read here.
  let watchCache = true;
  argv = argv.filter((a) => {
    const m = /^--watch-cache(?:=(.*))?$/.exec(a);
    if (!m) return true;
    if (m[1] !== undefined && !["true", "false"].includes(m[1])) {
      throw new Error(`invalid argument "${m[1]}" for "--watch-cache" flag: must be true or false`);
    }
    watchCache = m[1] !== "false";
    return false;
  });
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      "secure-port": { type: "string" },
      "bind-address": { type: "string" },
      "tls-cert-file": { type: "string" },
      "tls-private-key-file": { type: "string" },
      ...authOptions(),
      "client-ca-file": { type: "string" },
      "delegated-auth": { type: "boolean" },
      "tls-san": { type: "string", multiple: true },
      storage: { type: "string" },
      "etcd-prefix": { type: "string" },
      "etcd-cafile": { type: "string" },
      "etcd-certfile": { type: "string" },
      "etcd-keyfile": { type: "string" },
      "cert-dir": { type: "string" },
      "kubeconfig-out": { type: "string" },
      "max-requests-inflight": { type: "string" },
      "max-mutating-requests-inflight": { type: "string" },
      "request-timeout": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const port = integer("secure-port", values["secure-port"], 8443);
  if (port > 65535) throw new Error(`invalid argument "${port}" for "--secure-port" flag: must be at most 65535`);
  if (!!values["tls-cert-file"] !== !!values["tls-private-key-file"]) {
    throw new Error("--tls-cert-file and --tls-private-key-file must be given together");
  }
  let requestTimeoutMs = 60_000;
  if (values["request-timeout"] !== undefined) {
    try {
      requestTimeoutMs = parseGoDuration(values["request-timeout"]);
    } catch (err) {
      throw new Error(`invalid argument "${values["request-timeout"]}" for "--request-timeout" flag: ${(err as Error).message}`);
    }
    if (requestTimeoutMs <= 0) throw new Error(`--request-timeout must be positive`);
  }
  const authFlags: FlagValues = {};
  for (const f of delegatedAuthFlags) {
    const v = (values as Record<string, string | string[] | boolean | undefined>)[f.name];
    if (v !== undefined) authFlags[f.name] = v;
  }
  const delegatedAuth = !!values["delegated-auth"] || DELEGATION_FLAGS.some((name) => authFlags[name] !== undefined);
  return {
    securePort: port,
    bindAddress: values["bind-address"] ?? "127.0.0.1",
    tlsCertFile: values["tls-cert-file"],
    tlsPrivateKeyFile: values["tls-private-key-file"],
    clientCAFile: values["client-ca-file"],
    tlsSANs: values["tls-san"] ?? [],
    storage: values.storage ?? defaultStorage(defaults.stateDir),
    etcdPrefix: values["etcd-prefix"] ?? defaults.etcdPrefix,
    etcdCAFile: values["etcd-cafile"],
    etcdCertFile: values["etcd-certfile"],
    etcdKeyFile: values["etcd-keyfile"],
    watchCache,
    certDir: values["cert-dir"] ?? inStateDir(defaults.stateDir, "certs"),
    kubeconfigOut: values["kubeconfig-out"] ?? inStateDir(defaults.stateDir, "kubeconfig"),
    maxRequestsInflight: integer("max-requests-inflight", values["max-requests-inflight"], 400),
    maxMutatingRequestsInflight: integer("max-mutating-requests-inflight", values["max-mutating-requests-inflight"], 200),
    requestTimeoutMs,
    delegatedAuth,
    authFlags,
    help: values.help ?? false,
  };
}
