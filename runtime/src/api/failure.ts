/**
 * The server error (5xx) a response was answered with, and the unexpected error behind
 * it. Response writers of every layer note it here; the serving layer reads it once the
 * request is done, to log it with the request and count it by reason.
 */
import type { ServerResponse } from "node:http";
import { StatusError, type Status } from "./status.js";

export interface ServerFailure {
  code: number;
  /** The Status reason; "" (kube's StatusReasonUnknown) for none. */
  reason: string;
  message: string;
  /** The error that was not expected (its stack is what the log needs), if any. */
  cause?: unknown;
}

const failures = new WeakMap<ServerResponse, ServerFailure>();

/** The unexpected error behind `err`: a StatusError's cause, or `err` itself when it is no StatusError. */
function causeOf(err: unknown): unknown {
  if (err instanceof StatusError) return err.cause;
  return err;
}

/** Notes `status` as the answer of `res` when it is a server error; `err` is what was thrown, if anything. */
export function noteFailure(res: ServerResponse, status: Status, err?: unknown): void {
  if (status.code < 500) return;
  failures.set(res, { code: status.code, reason: status.reason ?? "", message: status.message ?? "", cause: causeOf(err) });
}

export function failureOf(res: ServerResponse): ServerFailure | undefined {
  return failures.get(res);
}
