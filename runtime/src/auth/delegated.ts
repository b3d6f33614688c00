/**
 * Delegated authentication and authorization for a server behind
 * kube-apiserver's aggregation layer, assembled as kube's
 * DelegatingAuthenticatorConfig / DelegatingAuthorizationOptions do:
 * request-header, then x509 client certificate, then TokenReview; first success
 * wins, any credential error is a 401, no credentials at all is anonymous,
 * which this server admits only on the health paths (everything else 401).
 */
import type { IncomingMessage } from "node:http";
import type { RequestInfo, UserInfo } from "../api/request.js";
import { ClusterConnection } from "../cluster/connection.js";
import { AuthenticationConfigSource, type AuthenticationFlags } from "./authentication-config.js";
import { AuthenticationError, SYSTEM_ANONYMOUS, SYSTEM_UNAUTHENTICATED, type Authenticator, withAuthenticatedGroup } from "./authenticator.js";
import { createSubjectAccessReviewAuthorizer, DEFAULT_ALWAYS_ALLOW_PATHS, pathMatches, type Decision } from "./authorizer.js";
import { createClientCertAuthenticator } from "./client-cert.js";
import { firstLetterFilter, removeHeaders } from "./remove-headers.js";
import { createRequestHeaderAuthenticator, requestHeaderFilter, requestHeaderPrefilter } from "./request-header.js";
import { createTokenReviewAuthenticator } from "./token-review.js";

export interface DelegatedAuthOptions {
  /** --kubeconfig; absent = in-cluster config when in a pod. */
  kubeconfig?: string;
  /** --authentication-kubeconfig; defaults to kubeconfig. */
  authenticationKubeconfig?: string;
  /** --authorization-kubeconfig; defaults to kubeconfig. */
  authorizationKubeconfig?: string;
  authentication?: AuthenticationFlags;
  tokenCacheTtlMs?: number;
  authorizedTtlMs?: number;
  unauthorizedTtlMs?: number;
  alwaysAllowPaths?: string[];
  /** Paths anonymous requests may reach (default: the health paths and their sub-checks). */
  anonymousPaths?: string[];
  /** Start even when the ConfigMap cannot be read within `lookupTimeoutMs`. */
  tolerateLookupFailure?: boolean;
  lookupTimeoutMs?: number;
  /** ConfigMap re-list period (kube: 1 min); tests shorten it. */
  configResyncMs?: number;
  fileReloadMs?: number;
  /** Background errors (ConfigMap watch, file reloads); default: console.warn. */
  onError?: (err: unknown) => void;
  /** User-Agent of the requests to kube-apiserver (the server's program); default: the process's file name. */
  userAgent?: string;
}

export interface DelegatedAuth {
  /**
   * The user, or null when the request must be answered 401 Unauthorized.
   * `info` is only needed for the anonymous health paths (else req.url is used).
   * Afterwards Authorization, the bearer WebSocket subprotocol and every
   * identity header are gone from the request.
   */
  authenticate(req: IncomingMessage, info?: RequestInfo): UserInfo | null | Promise<UserInfo | null>;
  /** Resolves when allowed; throws the StatusError to send (403 Forbidden, or 500 when the review failed). */
  authorize(user: UserInfo, info: RequestInfo, query?: URLSearchParams): Promise<void>;
  /** The authorization decision without the error, for callers that word their own (synchronous when cached). */
  decide(user: UserInfo, info: RequestInfo, query?: URLSearchParams): Decision | Promise<Decision>;
  /** Client CA + request-header CA PEMs, for the TLS server's acceptable-CA list (see AuthenticationConfigSource). */
  clientCABundle(): string;
  onClientCAChange(listener: () => void): void;
  /** The --kubeconfig connection (namespace lifecycle admission, later the pod proxy); null outside a cluster. */
  cluster: ClusterConnection | null;
  close(): void;
}

export const DEFAULT_ANONYMOUS_PATHS = ["/healthz", "/healthz/*", "/livez", "/livez/*", "/readyz", "/readyz/*"];

const WEBSOCKET_BEARER = "base64url.bearer.authorization.k8s.io.";
const mayBeAuthorization = firstLetterFilter(["authorization"]);

/** Loads each distinct kubeconfig once; the per-purpose ones default to --kubeconfig. */
async function connections(options: DelegatedAuthOptions) {
  const loaded = new Map<string, Promise<ClusterConnection | null>>();
  const load = (path: string | undefined) => {
    const key = path ?? "";
    if (!loaded.has(key)) loaded.set(key, ClusterConnection.load(path, options.userAgent));
    return loaded.get(key)!;
  };
  return {
    cluster: await load(options.kubeconfig),
    authentication: await load(options.authenticationKubeconfig ?? options.kubeconfig),
    authorization: await load(options.authorizationKubeconfig ?? options.kubeconfig),
  };
}

export async function createDelegatedAuth(options: DelegatedAuthOptions = {}): Promise<DelegatedAuth> {
  const onError = options.onError ?? ((err: unknown) => console.warn(`delegated auth: ${err instanceof Error ? err.message : String(err)}`));
  const conns = await connections(options);
  const config = new AuthenticationConfigSource({
    flags: options.authentication ?? {},
    connection: conns.authentication,
    resyncMs: options.configResyncMs,
    fileReloadMs: options.fileReloadMs,
    onError,
  });
  const loaded = await config.start(options.lookupTimeoutMs ?? 10_000);
  if (!loaded) {
    const message =
      "unable to load the kube-system/extension-apiserver-authentication ConfigMap; " +
      "grant the extension-apiserver-authentication-reader role or pass --authentication-tolerate-lookup-failure";
    if (!options.tolerateLookupFailure) {
      config.stop();
      throw new Error(message);
    }
    onError(new Error(`${message} (tolerated; retrying in the background)`));
  }

  const authenticators: Authenticator[] = [
    createRequestHeaderAuthenticator(() => config.requestHeader()),
    createClientCertAuthenticator(() => config.clientCert()),
  ];
  if (conns.authentication) {
    authenticators.push(createTokenReviewAuthenticator({ connection: conns.authentication, cacheTtlMs: options.tokenCacheTtlMs }));
  }
  const authorizer = createSubjectAccessReviewAuthorizer({
    connection: conns.authorization,
    allowedTtlMs: options.authorizedTtlMs,
    deniedTtlMs: options.unauthorizedTtlMs,
    alwaysAllowPaths: options.alwaysAllowPaths ?? DEFAULT_ALWAYS_ALLOW_PATHS,
  });
  const anonymousPaths = options.anonymousPaths ?? DEFAULT_ANONYMOUS_PATHS;

  function authenticate(req: IncomingMessage, info?: RequestInfo): UserInfo | null | Promise<UserInfo | null> {
    return authenticateFrom(req, info, 0, false);
  }

  /**
   * Tries the authenticators from `first` on, as kube's union authenticator: a credential error
   * is noted and the next one tries. Synchronous until one answers with a promise (only the
   * token review does), so a front-proxy or client-certificate request waits for no microtask.
   */
  function authenticateFrom(req: IncomingMessage, info: RequestInfo | undefined, first: number, failed: boolean): UserInfo | null | Promise<UserInfo | null> {
    for (let i = first; i < authenticators.length; i++) {
      let result: UserInfo | null | Promise<UserInfo | null>;
      try {
        result = authenticators[i]!.authenticate(req);
      } catch (err) {
        failed = noteFailure(err);
        continue;
      }
      if (result instanceof Promise) {
        return result.then(
          (user) => (user ? finish(req, info, user, failed) : authenticateFrom(req, info, i + 1, failed)),
          (err: unknown) => authenticateFrom(req, info, i + 1, noteFailure(err)),
        );
      }
      if (result) return finish(req, info, result, failed);
    }
    return finish(req, info, null, failed);
  }

  /** Logs what is not a credential error (a bug, an unreachable kube-apiserver); either way the credentials failed. */
  function noteFailure(err: unknown): true {
    if (!(err instanceof AuthenticationError)) onError(err);
    return true;
  }

  /** Strips the credentials; the user gains system:authenticated, or none is anonymous on the anonymous paths. */
  function finish(req: IncomingMessage, info: RequestInfo | undefined, user: UserInfo | null, failed: boolean): UserInfo | null {
    stripCredentials(req);
    if (user) return withAuthenticatedGroup(user);
    const path = info?.path ?? (req.url ?? "/").split("?")[0]!;
    if (!failed && pathMatches(path, anonymousPaths)) return { name: SYSTEM_ANONYMOUS, groups: [SYSTEM_UNAUTHENTICATED] };
    return null;
  }

  /** Authorization and every identity header of the current request-header config go, in one pass over the header lines. */
  function stripCredentials(req: IncomingMessage): void {
    const requestHeader = config.requestHeader();
    const isIdentity = requestHeader ? requestHeaderFilter(requestHeader) : undefined;
    const mayBeIdentity = requestHeader ? requestHeaderPrefilter(requestHeader) : undefined;
    removeHeaders(
      req,
      (h) => h === "authorization" || isIdentity?.(h) === true,
      (raw) => mayBeAuthorization(raw) || mayBeIdentity?.(raw) === true,
    );
    const protocols = req.headers["sec-websocket-protocol"];
    if (protocols?.includes(WEBSOCKET_BEARER)) {
      const kept = protocols
        .split(",")
        .map((p) => p.trim())
        .filter((p) => !p.startsWith(WEBSOCKET_BEARER));
      removeHeaders(req, (h) => h === "sec-websocket-protocol");
      if (kept.length) {
        req.headers["sec-websocket-protocol"] = kept.join(", ");
        req.rawHeaders.push("Sec-WebSocket-Protocol", kept.join(", "));
      }
    }
  }

  return {
    authenticate,
    authorize: (user, info, query) => authorizer.authorize(user, info, query),
    decide: (user, info, query) => authorizer.decide(user, info, query),
    clientCABundle: () => config.clientCABundle(),
    onClientCAChange: (listener) => config.onChange(listener),
    cluster: conns.cluster,
    close: () => config.stop(),
  };
}
