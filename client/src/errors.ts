import type { Status, StatusCause } from "./types.js";

/**
 * A failed API call: the server's Status when it sent one, otherwise a Status
 * synthesised from the HTTP code (as client-go does), so the helpers below
 * work on both.
 */
export class ApiError extends Error {
  readonly status: Status;

  constructor(status: Status, readonly headers: Record<string, string | string[] | undefined> = {}) {
    super(status.message || `the server responded with ${status.code ?? "an error"}${status.reason ? ` (${status.reason})` : ""}`);
    this.name = "ApiError";
    this.status = status;
  }

  /** HTTP status code (410 for in-stream ERROR events carrying Expired). */
  get code(): number {
    return this.status.code ?? 0;
  }
  get reason(): string {
    return this.status.reason ?? "";
  }
  get details() {
    return this.status.details;
  }
  get causes(): StatusCause[] {
    return this.status.details?.causes ?? [];
  }
  /** Seconds the server asked to wait (details.retryAfterSeconds or the Retry-After header). */
  get retryAfterSeconds(): number | undefined {
    const h = this.headers["retry-after"];
    const fromHeader = typeof h === "string" ? Number(h) : NaN;
    return this.status.details?.retryAfterSeconds ?? (Number.isFinite(fromHeader) ? fromHeader : undefined);
  }

  isNotFound(): boolean {
    return isNotFound(this);
  }
  isConflict(): boolean {
    return isConflict(this);
  }
  isAlreadyExists(): boolean {
    return isAlreadyExists(this);
  }
  isInvalid(): boolean {
    return isInvalid(this);
  }
  isForbidden(): boolean {
    return isForbidden(this);
  }
  isExpired(): boolean {
    return isExpired(this);
  }
}

/** Raised when a request exceeds its timeout; carries a 504-like Status so `instanceof ApiError` code paths cope. */
export class TimeoutError extends ApiError {
  constructor(ms: number) {
    super({ kind: "Status", status: "Failure", reason: "Timeout", code: 504, message: `request timed out after ${ms}ms` });
    this.name = "TimeoutError";
  }
}

const reasonForCode: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Expired",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/** Builds the error for a non-2xx response; `body` is whatever came back. */
export function errorFromResponse(code: number, body: string, headers: Record<string, string | string[] | undefined>): ApiError {
  let parsed: unknown;
  try {
    parsed = body ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  const s = parsed as Status | undefined;
  if (s && s.kind === "Status" && s.status === "Failure") return new ApiError({ ...s, code: s.code ?? code }, headers);
  // Not a Status (a proxy's text/plain 503, a crash): synthesise one like client-go's newUnstructuredResponseError.
  const text = body.trim().slice(0, 1024);
  return new ApiError(
    { kind: "Status", apiVersion: "v1", status: "Failure", code, reason: reasonForCode[code] ?? "Unknown", message: text || `the server responded with HTTP ${code}` },
    headers,
  );
}

function statusOf(err: unknown): Status | undefined {
  return err instanceof ApiError ? err.status : undefined;
}

/*
 * The predicates are type guards, so `if (isInvalid(err)) err.status.details` compiles
 * on a caught `unknown`. A false answer says only that it is not that failure.
 */
/** Reason `NotFound`, or code 404 when the reason is unknown (apimachinery's IsNotFound). */
export function isNotFound(err: unknown): err is ApiError {
  return reasonOrCode(err, "NotFound", 404);
}
/** Reason `Conflict` (a resourceVersion precondition failed), or 409 with no reason. */
export function isConflict(err: unknown): err is ApiError {
  return reasonOrCode(err, "Conflict", 409);
}
/** Reason `AlreadyExists` only: a 409 alone may be a conflict. */
export function isAlreadyExists(err: unknown): err is ApiError {
  return statusOf(err)?.reason === "AlreadyExists";
}
export function isInvalid(err: unknown): err is ApiError {
  return reasonOrCode(err, "Invalid", 422);
}
export function isForbidden(err: unknown): err is ApiError {
  return reasonOrCode(err, "Forbidden", 403);
}
export function isUnauthorized(err: unknown): err is ApiError {
  return reasonOrCode(err, "Unauthorized", 401);
}
export function isBadRequest(err: unknown): err is ApiError {
  return reasonOrCode(err, "BadRequest", 400);
}
/** 410: `Expired` or `Gone`, what a watch or continue token past the server's history gets. */
export function isExpired(err: unknown): err is ApiError {
  const s = statusOf(err);
  return !!s && (s.reason === "Expired" || s.reason === "Gone" || s.code === 410);
}
export function isTooManyRequests(err: unknown): err is ApiError {
  return reasonOrCode(err, "TooManyRequests", 429);
}
export function isTimeout(err: unknown): err is ApiError {
  const s = statusOf(err);
  return !!s && (s.reason === "Timeout" || s.reason === "ServerTimeout" || s.code === 504);
}

function reasonOrCode(err: unknown, reason: string, code: number): boolean {
  const s = statusOf(err);
  if (!s) return false;
  if (s.reason === reason) return true;
  return (!s.reason || s.reason === "Unknown") && s.code === code;
}
