/**
 * LIST semantics of the generic registry over the storage: which revision a list reads
 * at (resourceVersion, resourceVersionMatch, limit; "Semantics for get and list" of the
 * API concepts), continue tokens, and the token handed out when a paged list's
 * snapshot was compacted (handleCompactedErrorForPaging).
 */
import { errors, StatusError } from "../api/status.js";
import type { KubeObject } from "../apimachinery/object.js";
import { StorageError, type ListOptions as StorageListOptions, type ListResult, type Predicate } from "../storage/interface.js";
import { decodeContinue, encodeContinue } from "./continue.js";
import { parseResourceVersion, type ListOptions } from "./options.js";

/** metav1.ListMeta of a list the registry returns. */
export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface ObjectList {
  items: KubeObject[];
  metadata: ListMeta;
}

/** The storage read a LIST of `prefix` with `opts` asks for. */
export function storageListOptions(opts: ListOptions, prefix: string, predicate: Predicate | undefined): StorageListOptions {
  const read: StorageListOptions = {};
  if (predicate) read.predicate = predicate;
  if (opts.limit > 0) read.limit = opts.limit;
  if (opts.continue) {
    if (opts.resourceVersion && opts.resourceVersion !== "0") {
      throw errors.badRequest("specifying resource version is not allowed when using continue");
    }
    const position = decodeContinue(opts.continue, prefix);
    read.continueAfter = position.continueAfter;
    if (position.revision > 0) {
      read.revision = position.revision;
      read.exact = true;
    }
    return read;
  }
  const revision = parseResourceVersion(opts.resourceVersion);
  // RV=0 is "any": the watch cache may answer from memory (backends read it as latest).
  if (opts.resourceVersion === "0") read.revision = 0;
  if (revision > 0) {
    read.revision = revision;
    // limit without continue reads exactly at the given revision
    read.exact = opts.resourceVersionMatch === "Exact" || (opts.resourceVersionMatch === "" && opts.limit > 0);
  }
  return read;
}

export function objectList(result: ListResult, prefix: string): ObjectList {
  const metadata: ListMeta = { resourceVersion: String(result.revision) };
  if (result.continueKey) {
    metadata.continue = encodeContinue(result.continueKey, prefix, result.revision);
    if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
  }
  return { items: result.items, metadata };
}

/**
 * A paged list whose snapshot was compacted is a 410 carrying a token that continues
 * at the latest revision, so the client may go on with an inconsistent list.
 */
export function withCompactedContinue(status: StatusError, err: unknown, read: StorageListOptions, prefix: string): StatusError {
  if (err instanceof StorageError && err.code === "Expired" && read.continueAfter !== undefined) {
    status.status.metadata.continue = encodeContinue(read.continueAfter, prefix, -1);
  }
  return status;
}
