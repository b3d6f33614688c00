/**
 * The flags of delegated authentication and authorization, named and
 * defaulted as kube's generic apiserver (AS server/options/authentication.go,
 * authorization.go), in a neutral shape the serving layer adds to its own
 * flag parser, and their conversion to `DelegatedAuthOptions`.
 */
import type { DelegatedAuthOptions } from "./delegated.js";

export interface FlagDefinition {
  /** Without the leading dashes, e.g. `client-ca-file`. */
  name: string;
  /** `strings` flags are repeatable and comma-separated (pflag StringSlice); `duration` takes Go durations (`10s`, `1m`). */
  type: "string" | "strings" | "duration" | "boolean";
  description: string;
  default?: string | string[] | boolean;
}

export const delegatedAuthFlags: FlagDefinition[] = [
  { name: "kubeconfig", type: "string", description: "kubeconfig for kube-apiserver (namespace lifecycle, and the default for the two below); in-cluster config when absent" },
  { name: "authentication-kubeconfig", type: "string", description: "kubeconfig with permission to create tokenreviews.authentication.k8s.io and read the extension-apiserver-authentication ConfigMap; defaults to --kubeconfig" },
  { name: "authorization-kubeconfig", type: "string", description: "kubeconfig with permission to create subjectaccessreviews.authorization.k8s.io; defaults to --kubeconfig" },
  { name: "client-ca-file", type: "string", description: "PEM bundle for x509 client certificates (user = CN, groups = O); overrides client-ca-file of the ConfigMap" },
  { name: "requestheader-client-ca-file", type: "string", description: "PEM bundle that must sign the front-proxy client certificate before X-Remote-* headers are trusted; overrides the ConfigMap" },
  { name: "requestheader-allowed-names", type: "strings", description: "client certificate common names allowed to set identity headers; empty = any certificate from the request-header CA" },
  { name: "requestheader-username-headers", type: "strings", description: "request headers to inspect for the user name (default with a CA file: X-Remote-User)" },
  { name: "requestheader-uid-headers", type: "strings", description: "request headers carrying the user's UID (stripped; used only where kube's RemoteRequestHeaderUID is on)" },
  { name: "requestheader-group-headers", type: "strings", description: "request headers to inspect for groups (default with a CA file: X-Remote-Group)" },
  { name: "requestheader-extra-headers-prefix", type: "strings", description: "request header prefixes to inspect for extra user info (default with a CA file: X-Remote-Extra-)" },
  { name: "authentication-token-webhook-cache-ttl", type: "duration", default: "10s", description: "how long TokenReview answers are cached" },
  { name: "authorization-webhook-cache-authorized-ttl", type: "duration", default: "10s", description: "how long allowed SubjectAccessReview answers are cached" },
  { name: "authorization-webhook-cache-unauthorized-ttl", type: "duration", default: "10s", description: "how long denied SubjectAccessReview answers are cached" },
  { name: "authorization-always-allow-paths", type: "strings", default: ["/healthz", "/readyz", "/livez"], description: "paths that need no authorization (a trailing * matches a prefix)" },
  { name: "authentication-tolerate-lookup-failure", type: "boolean", default: false, description: "start even if the extension-apiserver-authentication ConfigMap cannot be read (keeps retrying)" },
];

/** Go's time.ParseDuration for the units flags use (h, m, s, ms). */
export function parseDuration(value: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of value.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === "h" ? n * 3_600_000 : m[2] === "m" ? n * 60_000 : m[2] === "s" ? n * 1000 : n;
    consumed += m[0].length;
  }
  if (value === "0") return 0;
  if (consumed !== value.length || consumed === 0) throw new Error(`invalid duration "${value}"`);
  return total;
}

export type FlagValues = Record<string, string | string[] | boolean | undefined>;

function strings(v: FlagValues[string]): string[] | undefined {
  if (v === undefined || typeof v === "boolean") return undefined;
  return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);
}

function str(v: FlagValues[string]): string | undefined {
  if (v === undefined || typeof v === "boolean") return undefined;
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Parsed flag values (keyed by flag name, absent when not given) -> options. */
export function delegatedAuthOptionsFromFlags(values: FlagValues): DelegatedAuthOptions {
  const duration = (name: string) => {
    const v = str(values[name]);
    return v === undefined ? undefined : parseDuration(v);
  };
  return {
    kubeconfig: str(values["kubeconfig"]),
    authenticationKubeconfig: str(values["authentication-kubeconfig"]),
    authorizationKubeconfig: str(values["authorization-kubeconfig"]),
    authentication: {
      clientCAFile: str(values["client-ca-file"]),
      requestheaderClientCAFile: str(values["requestheader-client-ca-file"]),
      requestheaderAllowedNames: strings(values["requestheader-allowed-names"]),
      requestheaderUsernameHeaders: strings(values["requestheader-username-headers"]),
      requestheaderUIDHeaders: strings(values["requestheader-uid-headers"]),
      requestheaderGroupHeaders: strings(values["requestheader-group-headers"]),
      requestheaderExtraHeadersPrefix: strings(values["requestheader-extra-headers-prefix"]),
    },
    tokenCacheTtlMs: duration("authentication-token-webhook-cache-ttl"),
    authorizedTtlMs: duration("authorization-webhook-cache-authorized-ttl"),
    unauthorizedTtlMs: duration("authorization-webhook-cache-unauthorized-ttl"),
    alwaysAllowPaths: strings(values["authorization-always-allow-paths"]),
    tolerateLookupFailure: values["authentication-tolerate-lookup-failure"] === true || values["authentication-tolerate-lookup-failure"] === "true",
  };
}
