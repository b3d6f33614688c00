/**
 * The storage interface, shaped after Kubernetes' `k8s.io/apiserver/pkg/storage.Interface`.
 * Objects are plain JSON objects; keys are `/<group>/<resource>/<namespace>/<name>`
 * (cluster-scoped: `/<group>/<resource>/<name>`). Every backend keeps one
 * monotonically increasing revision shared by all keys: an object's
 * `metadata.resourceVersion` is the revision of its last write, as a string.
 */

import type { KubeObject } from "../apimachinery/object.js";
import type { WatchEvent, Watcher } from "../apimachinery/watch.js";

export type { KubeObject } from "../apimachinery/object.js";
export type { WatchEvent, WatchEventType, Watcher } from "../apimachinery/watch.js";

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** A filter evaluated by the storage layer on each object (label and field selectors). */
export type Predicate = (obj: KubeObject) => boolean;

export interface ListOptions {
  /**
   * Revision to read at. Omitted: the latest ("Most recent", a consistent read).
   * With `exact`, exactly that revision (410 StorageError `Expired` when compacted);
   * otherwise any revision not older than it.
   */
  revision?: number;
  exact?: boolean;
  /** Page size; 0 or undefined means no limit. */
  limit?: number;
  /** Key to continue after (exclusive), from a previous page's `continueKey`. */
  continueAfter?: string;
  predicate?: Predicate;
  /**
   * Like Kubernetes' `recursive`: true or omitted lists every key under the prefix;
   * `false` lists only the key itself (a get expressed as a list).
   */
  recursive?: boolean;
}

export interface ListResult {
  items: KubeObject[];
  /** Revision the list was read at. */
  revision: number;
  /** Set when more items follow: the last key of this page. */
  continueKey?: string;
  /** Number of items after this page when known (no predicate). */
  remainingItemCount?: number;
}

export interface WatchOptions {
  /** Send only changes after this revision. 0: start from "now" after sending the current state as ADDED. */
  revision: number;
  predicate?: Predicate;
  /** Treat the key as a prefix (collection watch). */
  recursive: boolean;
  /**
   * Watch-list (`sendInitialEvents=true`, `resourceVersionMatch=NotOlderThan`): ADDED for the
   * state at a revision not older than `revision`, then a BOOKMARK annotated
   * `k8s.io/initial-events-end: "true"`, then changes.
   */
  sendInitialEvents?: boolean;
  /**
   * Emit BOOKMARK events (object `{metadata: {resourceVersion}}`, the handler adds
   * apiVersion/kind) about this often while the watcher is idle. They come from the
   * storage so their revision never runs ahead of an undelivered event.
   */
  bookmarkIntervalMs?: number;
  /**
   * The client's allowWatchBookmarks, and when the server ends the watch (`deadline`, epoch
   * ms, from timeoutSeconds). Only the watch cache honours it, as kube's cacher does: a
   * BOOKMARK at its latest revision about every `frequencyMs` and 2 s before the deadline,
   * when that revision is newer than the watch's start. Other storages ignore it: kube's
   * etcd3 watcher sends external clients no bookmarks (progress notifications are for the
   * cache, as `bookmarkIntervalMs` is here).
   */
  clientBookmarks?: { frequencyMs: number; deadline?: number };
}

/** The function given to guaranteedUpdate: returns the new object, or throws to abort. */
export type UpdateFunc = (current: KubeObject) => KubeObject | Promise<KubeObject>;

export interface Storage {
  /**
   * Creates `key`; fails with StorageError `KeyExists` when it exists. Returns the stored object with
   * resourceVersion set, which shares `obj`'s values (but metadata): the caller hands `obj` over.
   */
  create(key: string, obj: KubeObject): Promise<KubeObject>;
  /**
   * The revision of the key's current value without decoding it, when the
   * backend can tell cheaply (undefined: no such key, or not known cheaply).
   * Lets a GET answer from serialised bytes it already has for that revision.
   */
  revisionOf?(key: string): Promise<number | undefined>;
  /** Returns the object, or throws StorageError `KeyNotFound`. */
  get(key: string, opts?: { revision?: number }): Promise<KubeObject>;
  /** Lists every object whose key starts with `prefix` (which ends with `/`), in key order. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /**
   * Reads the current object, calls `tryUpdate`, and writes the result only if the
   * object did not change meanwhile (compare-and-swap on the revision), retrying
   * otherwise. Preconditions are checked against the current object on each try
   * (StorageError `InvalidObj` with a Kubernetes message when they fail).
   * When `ignoreNotFound` the update function receives an object with empty metadata.
   * The result shares the values of the object `tryUpdate` returned (but metadata).
   */
  guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunc,
    opts?: { preconditions?: Preconditions; ignoreNotFound?: boolean },
  ): Promise<KubeObject>;
  /** Deletes the key; returns the last state. Preconditions as for update. */
  delete(
    key: string,
    opts?: { preconditions?: Preconditions; validateDeletion?: (current: KubeObject) => void | Promise<void> },
  ): Promise<KubeObject>;
  /**
   * Watches a key or a prefix from a revision. A compacted start revision throws
   * StorageError `Expired` synchronously (message `too old resource version: R (C)`).
   */
  watch(key: string, opts: WatchOptions): Watcher;
  /** The latest revision of the store. */
  currentRevision(): Promise<number>;
  /** Forgets history at or before `revision`; watches and exact reads before it then fail with `Expired`. */
  compact(revision: number): Promise<void>;
  /** The oldest revision that can still be read or watched from. */
  compactedRevision(): Promise<number>;
  /** Counts objects under a prefix. */
  count(prefix: string): Promise<number>;
  close(): Promise<void>;
}

export type StorageErrorCode =
  | "KeyNotFound"
  | "KeyExists"
  | "Conflict"
  | "InvalidObj"
  | "Expired"
  | "TooLargeResourceVersion"
  | "Unreachable";

/** Errors from the storage layer; the registry turns them into metav1.Status. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly key: string,
    message: string,
    readonly currentRevision?: number,
  ) {
    super(message);
    this.name = "StorageError";
  }
}
