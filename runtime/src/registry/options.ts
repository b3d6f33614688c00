/**
 * What the handlers ask the registry for, already parsed from the query and validated
 * (metav1.GetOptions and metainternalversion.ListOptions): selectors and resource
 * versions still as written, since turning them into a predicate and revisions is the
 * registry's job.
 */
import { errors } from "../api/status.js";
import { goQuote } from "../validation/go-format.js";

export interface GetOptions {
  /** "" or "0": the latest state; otherwise exactly that revision. */
  resourceVersion: string;
}

export interface ListOptions {
  labelSelector: string;
  fieldSelector: string;
  resourceVersion: string;
  /** "", "Exact" or "NotOlderThan" (list); "NotOlderThan" with sendInitialEvents (watch). */
  resourceVersionMatch: string;
  /** Page size; 0 means no limit. */
  limit: number;
  /** The continue token of the previous page. */
  continue: string;
  /** Watch: send BOOKMARK events (only the watch cache does, as kube's cacher). */
  allowWatchBookmarks: boolean;
  /** Watch: start with the state as ADDED events and an initial-events-end BOOKMARK (true), or only changes (false). */
  sendInitialEvents?: boolean;
}

/** A resourceVersion as a revision (0 for ""); 400 when it is not a number. */
export function parseResourceVersion(rv: string): number {
  if (rv === "") return 0;
  if (!/^\d+$/.test(rv)) throw errors.badRequest(`invalid resource version: strconv.ParseUint: parsing ${goQuote(rv)}: invalid syntax`);
  return Number(rv);
}
