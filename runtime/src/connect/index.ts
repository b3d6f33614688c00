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
export { dialExec, statusErrorFrom, type DialOptions, type ExecConnection, type ExecStreamsWanted } from "./exec-client.js";
export { parseExecOptions, parseLogOptions, execQuery, logQuery, execOptionsObject } from "./options.js";
export * as channel from "./channel.js";
export { splitLines } from "./lines.js";
