/**
 * The wire types the client speaks (metav1 shapes, JSON field names). Kept
 * minimal and structural so the generated kind types, kubernetes-types and
 * hand-written objects all fit them.
 */
import type { KindProtobuf } from "./protobuf/descriptor.js";
import type { StatusDetails } from "./status.js";

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: unknown[];
}

/** Anything with Kubernetes object metadata. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface KubeList<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: ListMeta;
  items: T[];
}

// One definition of a Status's details for client and server (status.ts).
export type { StatusCause, StatusDetails } from "./status.js";

/** metav1.Status: the body of every error response and of some deletes. */
export interface Status {
  kind?: "Status";
  apiVersion?: string;
  metadata?: ListMeta;
  status?: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

/** A watch event after decoding; ERROR events become thrown `ApiError`s instead. */
export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

/** autoscaling/v1 Scale, what the /scale subresource speaks. */
export interface Scale {
  apiVersion?: "autoscaling/v1";
  kind?: "Scale";
  metadata?: ObjectMeta;
  spec?: { replicas?: number };
  status?: { replicas: number; selector?: string };
}

/** What the runtime needs to know about a kind to address it; the generator writes one per kind. */
export interface ResourceDescriptor {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  namespaced: boolean;
  subresources: { status: boolean; scale: boolean; log: boolean; exec?: boolean };
  /** Protobuf messages of the kind, for `contentType: "protobuf"` clients. */
  protobuf?: KindProtobuf;
}

/** Options of `exec()`: which streams to attach (default stdout and stderr; stdin when asked). */
export interface ExecOptions {
  container?: string;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  /** A terminal: stderr is merged into stdout, resize() applies. */
  tty?: boolean;
}

/** One `matchExpressions` entry of a metav1.LabelSelector. */
export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

/**
 * A label selector: the string form (`app=x,tier in (a,b),!legacy`), a
 * metav1.LabelSelector, or a plain map meaning equality on every key.
 */
export type LabelSelector =
  | string
  | { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirement[] }
  | Record<string, string>;

/** A field selector: the string form (`metadata.name=x,status.phase!=Failed`) or a map of equalities. */
export type FieldSelector = string | Record<string, string>;

/** Options every request takes. */
export interface RequestOptions {
  /** Cancels the request (and, for streams, ends them). */
  signal?: AbortSignal;
  /** Overrides the client's request timeout, in milliseconds; 0 disables it. */
  timeoutMs?: number;
}

export interface GetOptions extends RequestOptions {
  resourceVersion?: string;
}

export interface ListOptions extends RequestOptions {
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: "Exact" | "NotOlderThan";
}

export type DryRun = "All";
export type FieldValidation = "Ignore" | "Warn" | "Strict";

export interface WriteOptions extends RequestOptions {
  /** `All` runs admission and validation without persisting. */
  dryRun?: DryRun;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
}

export type CreateOptions = WriteOptions;
export type UpdateOptions = WriteOptions;

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only: take ownership of conflicting fields. */
  force?: boolean;
}

export interface DeleteOptions extends RequestOptions {
  dryRun?: DryRun;
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type DeleteCollectionOptions = DeleteOptions & Omit<ListOptions, keyof RequestOptions>;

export interface WatchOptions extends RequestOptions {
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  /**
   * Where to start. Unset: the current state as ADDED events, then changes.
   * A version: only changes after it.
   */
  resourceVersion?: string;
  /** Ask for BOOKMARK events (default true); they are passed through so callers can checkpoint. */
  allowWatchBookmarks?: boolean;
  /**
   * On 410 Expired: list again and emit the difference (ADDED/MODIFIED/DELETED)
   * against what this watch has delivered (default), or throw the `ApiError`.
   */
  onExpired?: "relist" | "throw";
  /** Reconnect after a dropped connection or server restart (default true). */
  reconnect?: boolean;
}

export interface LogOptions extends RequestOptions {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  tailLines?: number;
  timestamps?: boolean;
  limitBytes?: number;
}

/** RFC 6902 operations. */
export type JsonPatchOperation =
  | { op: "add" | "replace" | "test"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "move" | "copy"; from: string; path: string };

export type PatchType = "json" | "merge" | "strategic" | "apply";

/** RFC 7386 merge patch of T: every field optional, `null` deletes. */
export type MergePatch<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: MergePatch<T[K]> | null }
    : T;
