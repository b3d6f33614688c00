/**
 * StorageError -> metav1.Status, as k8s.io/apiserver pkg/registry/generic/registry
 * storeerr.Interpret*Error does.
 */
import { StatusError, errors, type Status } from "../api/status.js";
import { ManagedFieldsError } from "../fieldmanager/index.js";
import { StorageError } from "../storage/interface.js";
import type { ResourceScope } from "./scope.js";

export const OPTIMISTIC_LOCK_MESSAGE =
  "the object has been modified; please apply your changes to the latest version and try again";

function serverTimeout(scope: ResourceScope, operation: string, retryAfterSeconds: number): StatusError {
  const qualified = scope.gr.group ? `${scope.gr.resource}.${scope.gr.group}` : scope.gr.resource;
  const status: Status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `The ${operation} operation against ${qualified} could not be completed at this time, please try again.`,
    reason: "ServerTimeout",
    details: { name: operation, group: scope.gr.group, kind: scope.gr.resource, retryAfterSeconds },
    code: 500,
  };
  return new StatusError(status);
}

/** A 500 without a reason, as kube writes errors that are not Status errors. */
export function unknownError(message: string, code = 500): StatusError {
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code });
}

/** Maps anything thrown below the handlers to a StatusError. */
export function toStatusError(err: unknown, scope: ResourceScope, name: string, operation = "get"): StatusError {
  if (err instanceof StatusError) return err;
  if (err instanceof ManagedFieldsError) return unknownError(err.message);
  if (err instanceof StorageError) {
    switch (err.code) {
      case "KeyNotFound":
        return errors.notFound(scope.gr, name);
      case "KeyExists":
        return errors.alreadyExists(scope.gr, name);
      case "Conflict":
        return errors.conflict(scope.gr, name, OPTIMISTIC_LOCK_MESSAGE);
      case "InvalidObj":
        // storeerr.InterpretUpdateError/InterpretDeleteError wrap the whole StorageError.Error() text
        return errors.conflict(
          scope.gr,
          name,
          `StorageError: invalid object, Code: 4, Key: ${err.key}, ResourceVersion: 0, AdditionalErrorMsg: ${err.message}`,
        );
      case "Expired":
        return errors.gone(err.message);
      case "TooLargeResourceVersion":
        return errors.tooLargeResourceVersion(1);
      case "Unreachable":
        // Storage did not answer (etcd down or without quorum): 504 Timeout Status with Retry-After.
        return errors.timeout(serverTimeout(scope, operation, 2).status.message!, 2);
    }
  }
  return errors.internal(err);
}
