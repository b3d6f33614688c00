/**
 * The client side of connect subresources (`log`, `exec`): the exec dialer,
 * the stream protocol's channels, log lines, and the options as a query.
 */
export type { ExecOptions, ExecProcess, LogOptions, TerminalSize } from "./types.js";
export { dialExec, statusErrorFrom, type DialOptions, type ExecConnection, type ExecStreamsWanted } from "./exec-client.js";
export { execQuery, logQuery } from "./query.js";
export * as channel from "./channel.js";
export { splitLines } from "./lines.js";
