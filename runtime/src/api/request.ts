import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * What the serving layer learns from a request's path and method, as
 * k8s.io/apiserver/pkg/endpoints/request.RequestInfo.
 */
export interface RequestInfo {
  /** True for /apis/<group>/<version>/... resource paths. */
  isResourceRequest: boolean;
  path: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection (resource requests); lower-case HTTP method otherwise. */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Remaining path segments (e.g. for connect subresources). */
  parts: string[];
}

/** The authenticated user, as k8s.io/apiserver/pkg/authentication/user.Info. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Everything a handler needs for one request. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  info: RequestInfo;
  user: UserInfo;
  /** The authenticated user when `user` is impersonated (Impersonate-* headers); kube's audit impersonatedUser pair. */
  impersonatedBy?: UserInfo;
  query: URLSearchParams;
  /** Request-scoped abort: fired when the client goes away or the request times out. */
  signal: AbortSignal;
  /**
   * Asks the authorizer that admitted this request about the same attributes
   * with another verb (kube's synthetic `create` check on a WebSocket exec).
   * Set by the serving layer; absent elsewhere.
   */
  authorizeVerb?(verb: string): Promise<{ allowed: boolean; reason?: string }>;
}

/** A handler for requests the serving layer has routed and authenticated. */
export type Handler = (ctx: RequestContext) => Promise<void>;
