/**
 * metav1.Status and the error that carries it. Every failure the server sends is
 * one of these; `StatusError` is thrown anywhere below the serving layer and
 * written by it. Constructors mirror k8s.io/apimachinery/pkg/api/errors.
 */

/** Kubernetes validation cause types (metav1.CauseType). */
export type CauseType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldValueTypeInvalid"
  | "InternalError";

/**
 * One validation error, as k8s.io/apimachinery's field.Error. `message` is the
 * full cause message kube-apiserver puts in details.causes (e.g.
 * `Required value`, `Invalid value: 17: must be less than or equal to 16`).
 */
export interface FieldError {
  type: CauseType;
  /** Kubernetes field path, e.g. `spec.workers.replicas`, `spec.env[0].name`. */
  field: string;
  message: string;
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: { resourceVersion?: string; continue?: string };
  status: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  /** `options.cause`: the unexpected error behind a 5xx, so its stack reaches the log. */
  constructor(
    readonly status: Status,
    options?: { cause?: unknown },
  ) {
    super(status.message ?? status.reason ?? `status ${status.code}`, options);
    this.name = "StatusError";
  }
  get code(): number {
    return this.status.code;
  }
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
  const status: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
  if (details) status.details = details;
  return new StatusError(status);
}

/** `group` is "" for the core group; `resource` is the plural, e.g. notebooks. */
export interface GroupResource {
  group: string;
  resource: string;
}

function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export const errors = {
  notFound: (gr: GroupResource, name: string) =>
    failure(404, "NotFound", `${qualified(gr)} "${name}" not found`, { name, group: gr.group, kind: gr.resource }),
  alreadyExists: (gr: GroupResource, name: string) =>
    failure(409, "AlreadyExists", `${qualified(gr)} "${name}" already exists`, { name, group: gr.group, kind: gr.resource }),
  conflict: (gr: GroupResource, name: string, why: string) =>
    failure(409, "Conflict", `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, {
      name,
      group: gr.group,
      kind: gr.resource,
    }),
  /** 422; `kind` is the Kind (e.g. Notebook), as kube-apiserver puts it in details.kind. */
  invalid: (group: string, kind: string, name: string, errs: FieldError[]) => {
    const qualifiedKind = group ? `${kind}.${group}` : kind;
    const list = errs.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message));
    const summary = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
    return failure(422, "Invalid", `${qualifiedKind} "${name}" is invalid: ${summary}`, {
      name,
      group,
      kind,
      causes: errs.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
    });
  },
  badRequest: (message: string) => failure(400, "BadRequest", message),
  unauthorized: (message = "Unauthorized") => failure(401, "Unauthorized", message),
  forbidden: (message: string, details?: StatusDetails) => failure(403, "Forbidden", message, details),
  methodNotSupported: (gr: GroupResource, action: string) =>
    failure(405, "MethodNotAllowed", `${action} is not supported on resources of kind "${qualified(gr)}"`, {
      group: gr.group,
      kind: gr.resource,
    }),
  notAcceptable: (accepted: string[]) =>
    failure(406, "NotAcceptable", `only the following media types are accepted: ${accepted.join(", ")}`),
  gone: (message: string) => failure(410, "Expired", message),
  requestEntityTooLarge: (message: string) => failure(413, "RequestEntityTooLarge", `Request entity too large: ${message}`),
  unsupportedMediaType: (accepted: string[]) =>
    failure(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
    ),
  tooManyRequests: (message: string, retryAfterSeconds: number) =>
    failure(429, "TooManyRequests", message, { retryAfterSeconds }),
  internal: (err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    const e = failure(500, "InternalError", `Internal error occurred: ${msg}`, { causes: [{ message: msg }] });
    return new StatusError(e.status, { cause: err });
  },
  serviceUnavailable: (message: string) => failure(503, "ServiceUnavailable", message),
  timeout: (message: string, retryAfterSeconds: number) =>
    failure(504, "Timeout", `Timeout: ${message}`, { retryAfterSeconds }),
  tooLargeResourceVersion: (retryAfterSeconds = 1) =>
    failure(504, "Timeout", "Timeout: Too large resource version", {
      retryAfterSeconds,
      causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
    }),
};

export function successStatus(details?: StatusDetails): Status {
  const s: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 200 };
  if (details) s.details = details;
  return s;
}
