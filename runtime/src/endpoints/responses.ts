/**
 * Response writers shared by the handlers and the serving layer: JSON bodies with the
 * generic server's headers, metav1.Status errors (with Retry-After), warnings.
 */
import type { ServerResponse } from "node:http";
import { noteFailure } from "../api/failure.js";
import { StatusError, errors, type Status } from "../api/status.js";

const JSON_TYPE = "application/json";
/** Bodies from this size on are written apart from the response head (see writeJSON). */
const SEPARATE_BODY_BYTES = 64 * 1024;

function commonHeaders(res: ServerResponse, contentType: string): void {
  res.setHeader("Content-Type", contentType);
  // filters/cachecontrol.go: only when the handler did not set its own
  if (!res.hasHeader("Cache-Control")) res.setHeader("Cache-Control", "no-cache, private");
}

/** Writes a complete body (its UTF-8 bytes, already serialised, or an object to stringify). */
export function writeJSON(res: ServerResponse, code: number, body: unknown, contentType = JSON_TYPE): void {
  // encode once: the same bytes give Content-Length and the body
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body), "utf8");
  commonHeaders(res, contentType);
  res.setHeader("Content-Length", bytes.length);
  res.statusCode = code;
  // TLS copies a write of several buffers (head and body) into one before encrypting it: send
  // a large body on its own, encrypted from where it lies.
  if (bytes.length >= SEPARATE_BODY_BYTES) res.flushHeaders();
  res.end(bytes);
}

/** metav1.StatusDetails and StatusCause fields are all omitempty: drop empty ones. */
function omitEmpty(status: Status): Status {
  const d = status.details;
  // an explicitly empty details is Go's non-nil *StatusDetails: written as {}
  if (!d || Object.keys(d).length === 0) return status;
  const details: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    if (v === "" || v === undefined || v === 0) continue;
    if (k === "causes" && Array.isArray(v)) {
      if (v.length === 0) continue;
      details.causes = v.map((c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).filter(([, cv]) => cv !== "" && cv !== undefined)));
      continue;
    }
    details[k] = v;
  }
  const out: Status = { ...status };
  if (Object.keys(details).length) out.details = details as Status["details"];
  else delete out.details;
  return out;
}

/** Any error -> the Status kube-apiserver would send (non-Status errors become 500 InternalError). */
export function toStatus(err: unknown): Status {
  if (err instanceof StatusError) return omitEmpty(err.status);
  return omitEmpty(errors.internal(err).status);
}

/** Writes `err` as a metav1.Status with its code, and Retry-After when the details ask for it. */
export function writeStatusError(res: ServerResponse, err: unknown): void {
  const status = toStatus(err);
  if (res.headersSent) {
    // A stream already started: nothing sensible can be written any more.
    res.destroy();
    return;
  }
  noteFailure(res, status, err);
  const retry = status.details?.retryAfterSeconds;
  if (retry && retry > 0) res.setHeader("Retry-After", String(retry));
  writeJSON(res, status.code, status);
}

/** A `Warning: 299 - "<text>"` header value (k8s.io/apimachinery/pkg/util/net NewWarningHeader). */
function warningHeader(text: string): string {
  return `299 - "${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function addWarnings(res: ServerResponse, texts: string[]): void {
  if (texts.length === 0) return;
  const prev = res.getHeader("Warning");
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  res.setHeader("Warning", [...list, ...texts.map(warningHeader)]);
}
