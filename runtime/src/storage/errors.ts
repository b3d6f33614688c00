/**
 * Constructors for StorageError with the texts Kubernetes uses, so the registry
 * can surface them verbatim (k8s.io/apiserver pkg/storage/errors.go,
 * pkg/storage/etcd3/errors.go, pkg/storage/util.go Preconditions.Check).
 */
import { StorageError } from "./interface.js";

/** `interpretListError` text for an exact list below the compacted revision. */
const LIST_EXPIRED_MESSAGE = "The resourceVersion for the provided list is too old.";

/** `handleCompactedErrorForPaging` text for a continue token whose snapshot was compacted. */
const INCONSISTENT_CONTINUE_MESSAGE =
  "The provided continue parameter is too old to display a consistent list result. " +
  "You can start a new list without the continue parameter, or use the continue token in this response to " +
  "retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - " +
  "objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

export function keyNotFound(key: string, rev = 0): StorageError {
  return new StorageError(
    "KeyNotFound",
    key,
    `StorageError: key not found, Code: 1, Key: ${key}, ResourceVersion: ${rev}, AdditionalErrorMsg: `,
    rev,
  );
}

export function keyExists(key: string, rev = 0): StorageError {
  return new StorageError(
    "KeyExists",
    key,
    `StorageError: key exists, Code: 2, Key: ${key}, ResourceVersion: ${rev}, AdditionalErrorMsg: `,
    rev,
  );
}

/** Watch from a compacted revision: the cacher's text, `requested (compacted)`. */
export function watchExpired(key: string, requested: number, compacted: number): StorageError {
  return new StorageError("Expired", key, `too old resource version: ${requested} (${compacted})`, compacted);
}

/**
 * Exact read below the compacted revision. With a continue key the registry should
 * attach a fresh continue token (from `err.key`, the key to continue after, at the latest revision).
 */
export function listExpired(key: string, compacted: number, paging: boolean): StorageError {
  return new StorageError("Expired", key, paging ? INCONSISTENT_CONTINUE_MESSAGE : LIST_EXPIRED_MESSAGE, compacted);
}

export function tooLargeResourceVersion(key: string, requested: number, current: number): StorageError {
  return new StorageError(
    "TooLargeResourceVersion",
    key,
    `Too large resource version: ${requested}, current: ${current}`,
    current,
  );
}
