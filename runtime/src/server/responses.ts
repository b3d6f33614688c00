/**
 * The few response writers the serving layer needs before (or instead of) the
 * resource handlers: Status errors, plain text, and precomputed bodies.
 */
import type { ServerResponse } from "node:http";
import { noteFailure } from "../api/failure.js";
import { StatusError, errors, type Status } from "../api/status.js";

/** Serialises a Status with kube's field order (kind, apiVersion, metadata, status, message, reason, details, code). */
export function statusJSON(s: Status): string {
  const ordered: Record<string, unknown> = { kind: "Status", apiVersion: "v1", metadata: s.metadata ?? {}, status: s.status };
  if (s.message !== undefined) ordered.message = s.message;
  if (s.reason !== undefined) ordered.reason = s.reason;
  if (s.details !== undefined) ordered.details = s.details;
  ordered.code = s.code;
  return JSON.stringify(ordered);
}

/**
 * Writes a Status with its HTTP code; sets Retry-After from details.retryAfterSeconds, as kube's ErrorNegotiated.
 * `err` is what was thrown, noted with a server error for the log.
 */
export function writeStatus(res: ServerResponse, s: Status, err?: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  noteFailure(res, s, err);
  const body = statusJSON(s);
  const retry = s.details?.retryAfterSeconds;
  if (retry) res.setHeader("Retry-After", String(retry));
  res.writeHead(s.code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** Writes any thrown value: StatusError as is, anything else as a 500 InternalError. */
export function writeError(res: ServerResponse, err: unknown): void {
  writeStatus(res, err instanceof StatusError ? err.status : errors.internal(err).status, err);
}

/** Go's http.Error: text/plain, nosniff, the message plus a newline. */
export function writePlainError(res: ServerResponse, code: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = message + "\n";
  res.writeHead(code, {
    "Content-Type": "text/plain; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * The Status go-restful's ServiceErrorHandler produces (NewGenericServerResponse)
 * for a path under a served group-version that no route matches.
 */
export const routeNotFound: Status = {
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: "the server could not find the requested resource",
  reason: "NotFound",
  details: {},
  code: 404,
};

/** The same, for a route that exists with other methods. */
export const routeMethodNotAllowed: Status = {
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: "the server does not allow this method on the requested resource",
  reason: "MethodNotAllowed",
  details: {},
  code: 405,
};

/** A body prepared once: bytes plus the headers that go with them. */
export interface PreparedBody {
  body: Buffer;
  contentType: string;
  etag?: string;
}

export function writePrepared(res: ServerResponse, p: PreparedBody, head: boolean, extraHeaders?: Record<string, string>): void {
  const headers: Record<string, string | number> = { "Content-Type": p.contentType, "Content-Length": p.body.length };
  if (extraHeaders) Object.assign(headers, extraHeaders);
  res.writeHead(200, headers);
  res.end(head ? undefined : p.body);
}

/**
 * Makes every later write to `res` a no-op. Used once the serving layer has
 * answered on the handler's behalf (timeout, shutdown): the handler may still
 * write, and a write after end would otherwise raise an unhandled error.
 */
export function ignoreFurtherWrites(res: ServerResponse): void {
  const ignore = () => res;
  Object.assign(res, { writeHead: ignore, setHeader: ignore, removeHeader: ignore, appendHeader: ignore, flushHeaders: ignore, write: () => true, end: ignore });
}
