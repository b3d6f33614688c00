/**
 * What kind of connect subresource each name is, as kube-apiserver's pod
 * registry sets it up: `log` is a getter with options (pods/log, only `get`,
 * no admission), `exec` is a connecter (pods/exec: GET for WebSocket, POST for
 * SPDY, admitted as CONNECT with its options object, and a write: `create` is
 * required even when it arrives as a GET). attach and portforward would be
 * connecters that require `create` too (pkg/registry/core/pod/rest/subresources.go).
 */
export interface ConnectSubresourceKind {
  /** A connecter: `dryRun` is refused and admission sees the request as CONNECT with the options object. */
  connecter: boolean;
  /**
   * Opening it is a write: besides the request's own verb (`get` for a WebSocket upgrade), the user
   * must be allowed `create` on <resource>/<subresource> (KEP-4006,
   * AuthorizePodWebsocketUpgradeCreatePermission, on by default since kube 1.35).
   */
  requiresCreate: boolean;
}

export const CONNECT_SUBRESOURCES = {
  log: { connecter: false, requiresCreate: false },
  exec: { connecter: true, requiresCreate: true },
} as const satisfies Record<string, ConnectSubresourceKind>;

export type ConnectSubresource = keyof typeof CONNECT_SUBRESOURCES;

export function connectSubresourceKind(name: string): ConnectSubresourceKind | undefined {
  return Object.hasOwn(CONNECT_SUBRESOURCES, name) ? CONNECT_SUBRESOURCES[name as ConnectSubresource] : undefined;
}
