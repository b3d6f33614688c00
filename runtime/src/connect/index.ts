/**
 * Connect subresources (`log`, `exec`): the provider contracts, the built-in
 * pod proxy, the hook the resource handler calls, and the exec client.
 */
export type { ConnectContext, ConnectProvider, ConnectProviders, ExecOptions, ExecProcess, LogOptions, LogStream, PodTarget, TerminalSize } from "./types.js";
export { createConnectHook, type ConnectAdmission, type ConnectConfig, type ConnectHook } from "./handler.js";
export { CONNECT_SUBRESOURCES, connectSubresourceKind, type ConnectSubresourceKind } from "./subresources.js";
export { ensureAuthorizedForVerb } from "./authorize.js";
export { PodBackend, type Pod } from "./pod-backend.js";
export { podProvider, resolvePod } from "./pod-provider.js";
export { mergeLines, type LogSource } from "./merge.js";
export { parseExecOptions, parseLogOptions, execOptionsObject } from "./options.js";
// The client side, for providers that dial or relay: one implementation, in @skai-gen/client.
export { channel, dialExec, execQuery, logQuery, splitLines, statusErrorFrom, type DialOptions, type ExecConnection, type ExecStreamsWanted } from "@skai-gen/client/connect";
