/**
 * Query parameters of log and exec, parsed and checked as kube-apiserver does
 * for pods/log (PodLogOptions) and pods/exec (PodExecOptions), so the same URLs
 * mean the same thing on our subresources.
 */
import { errors } from "../api/status.js";
import type { ResourceDefinition } from "../api/resource.js";
import type { ExecOptions, LogOptions } from "./types.js";

/** Go's strconv.ParseBool, which kube's query decoding uses. */
function bool(query: URLSearchParams, key: string): boolean {
  const v = query.get(key);
  if (v === null) return false;
  if (["1", "t", "T", "true", "TRUE", "True"].includes(v)) return true;
  if (["", "0", "f", "F", "false", "FALSE", "False"].includes(v)) return false;
  throw errors.badRequest(`${key}: invalid boolean value ${JSON.stringify(v)}`);
}

function int(query: URLSearchParams, key: string, min: number): number | undefined {
  const v = query.get(key);
  if (v === null || v === "") return undefined;
  if (!/^-?\d+$/.test(v)) throw errors.badRequest(`${key}: invalid integer value ${JSON.stringify(v)}`);
  const n = Number(v);
  if (n < min) throw errors.badRequest(`${key}: Invalid value: ${n}: must be greater than ${min === 0 ? "or equal to 0" : min - 1}`);
  return n;
}

export function parseLogOptions(query: URLSearchParams): LogOptions {
  const opts: LogOptions = {
    follow: bool(query, "follow"),
    previous: bool(query, "previous"),
    timestamps: bool(query, "timestamps"),
  };
  const container = query.get("container");
  if (container) opts.container = container;
  const tailLines = int(query, "tailLines", 0);
  if (tailLines !== undefined) opts.tailLines = tailLines;
  const sinceSeconds = int(query, "sinceSeconds", 1);
  if (sinceSeconds !== undefined) opts.sinceSeconds = sinceSeconds;
  const sinceTime = query.get("sinceTime");
  if (sinceTime) {
    if (Number.isNaN(Date.parse(sinceTime))) throw errors.badRequest(`sinceTime: invalid RFC3339 time ${JSON.stringify(sinceTime)}`);
    opts.sinceTime = sinceTime;
  }
  if (opts.sinceTime && opts.sinceSeconds !== undefined) throw errors.badRequest("at most one of `sinceTime` or `sinceSeconds` may be specified");
  const limitBytes = int(query, "limitBytes", 1);
  if (limitBytes !== undefined) opts.limitBytes = limitBytes;
  return opts;
}

export function parseExecOptions(query: URLSearchParams): ExecOptions {
  const command = query.getAll("command");
  if (command.length === 0) throw errors.badRequest("you must specify at least 1 command");
  const opts: ExecOptions = {
    command,
    stdin: bool(query, "stdin"),
    stdout: bool(query, "stdout"),
    stderr: bool(query, "stderr"),
    tty: bool(query, "tty"),
  };
  const container = query.get("container");
  if (container) opts.container = container;
  if (!opts.stdin && !opts.stdout && !opts.stderr) throw errors.badRequest("you must specify at least 1 of stdin, stdout, stderr");
  // A terminal has one output stream (kube: "tty and stderr cannot both be true").
  if (opts.tty && opts.stderr) opts.stderr = false;
  return opts;
}

/**
 * The options object admission sees on CONNECT, shaped as core/v1
 * PodExecOptions under the kind discovery gives the subresource (`<Kind>ExecOptions`).
 */
export function execOptionsObject(def: Pick<ResourceDefinition, "group" | "version" | "kind">, opts: ExecOptions): Record<string, unknown> & { kind: string } {
  const obj: Record<string, unknown> & { kind: string } = {
    kind: `${def.kind}ExecOptions`,
    apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
    stdin: opts.stdin,
    stdout: opts.stdout,
    stderr: opts.stderr,
    tty: opts.tty,
  };
  if (opts.container) obj.container = opts.container;
  obj.command = [...opts.command];
  return obj;
}

/** The options as a mutating admission plugin left them; fields of the wrong type keep their request value. */
export function execOptionsAfterAdmission(opts: ExecOptions, admitted: Record<string, unknown>): ExecOptions {
  const flag = (key: "stdin" | "stdout" | "stderr" | "tty") => (typeof admitted[key] === "boolean" ? (admitted[key] as boolean) : opts[key]);
  const command = admitted.command;
  const next: ExecOptions = {
    command: Array.isArray(command) && command.length > 0 && command.every((c) => typeof c === "string") ? [...command] : opts.command,
    stdin: flag("stdin"),
    stdout: flag("stdout"),
    stderr: flag("stderr"),
    tty: flag("tty"),
  };
  const container = typeof admitted.container === "string" ? admitted.container : admitted.container === undefined ? undefined : opts.container;
  if (container) next.container = container;
  return next;
}
