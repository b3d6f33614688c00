/**
 * Server errors (5xx) once a request is done: one log line with the request (verb,
 * method, URI, user, Audit-ID), the Status and, when an unexpected error caused it, that
 * error's stack; and a count by code and reason in /metrics. kube logs such errors through
 * runtime.HandleError and its httplog; the counter is ours.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { failureOf } from "../api/failure.js";
import type { RequestInfo, UserInfo } from "../api/request.js";
import type { RequestMetrics } from "./metrics.js";

/** A URI longer than this (a huge label selector) is cut in the log. */
const MAX_LOGGED_URI = 2048;

export interface FailedRequest {
  req: IncomingMessage;
  res: ServerResponse;
  info: RequestInfo;
  method: string;
  /** Undefined when the request failed before authentication. */
  user?: UserInfo;
  /** The authenticated user when `user` is impersonated. */
  requestor?: UserInfo;
}

function loggedURI(url: string): string {
  return url.length > MAX_LOGGED_URI ? `${url.slice(0, MAX_LOGGED_URI)}... (${url.length} bytes)` : url;
}

/** The error's stack, then its causes' (an error wrapped to name what failed keeps the original below it). */
function stackOf(cause: unknown): string | undefined {
  const parts: string[] = [];
  for (let e = cause, depth = 0; e !== undefined && depth < 5; depth++) {
    if (!(e instanceof Error)) {
      parts.push(String(e));
      break;
    }
    parts.push(e.stack ?? `${e.name}: ${e.message}`);
    e = e.cause;
  }
  return parts.length ? parts.join("\nCaused by: ") : undefined;
}

/**
 * Logs and counts the request's answer when it is a server error; logs (without counting) a
 * server error sent inside a started response (a watch's ERROR event).
 */
export function reportServerError(r: FailedRequest, log: (message: string) => void, metrics: RequestMetrics): void {
  const code = r.res.statusCode;
  const noted = failureOf(r.res);
  // a noted failure describes a 5xx answer only when the codes agree (the timeout filter may have answered instead)
  const failure = code >= 500 ? (noted?.code === code ? noted : undefined) : noted;
  if (code < 500 && !failure) return;
  const reason = failure?.reason ?? "";
  if (code >= 500) metrics.observeServerError(code, reason);
  const fields = [
    `verb=${JSON.stringify(r.info.verb || r.method)}`,
    `method=${JSON.stringify(r.method)}`,
    `URI=${JSON.stringify(loggedURI(r.req.url ?? ""))}`,
    `user=${JSON.stringify(r.user?.name ?? "")}`,
    ...(r.requestor ? [`impersonated-by=${JSON.stringify(r.requestor.name)}`] : []),
    `audit-ID=${JSON.stringify(String(r.res.getHeader("Audit-ID") ?? ""))}`,
  ];
  const where = code >= 500 ? "" : ` in a ${code} response`;
  let line = `server error ${failure?.code ?? code}${reason ? ` ${reason}` : ""}${where}: ${fields.join(" ")}`;
  if (failure?.message) line += `: ${failure.message}`;
  const stack = stackOf(failure?.cause);
  if (stack) line += `\n${stack}`;
  log(line);
}
