/**
 * In-process admission, as k8s.io/apiserver/pkg/admission: every write passes
 * an ordered chain of plugins, first all mutating stages, then all validating
 * ones. A project adds its plugins through the generated `serve()`'s
 * `extensions.admission` (docs/extensions.md).
 */
import type { UserInfo } from "../api/request.js";

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
  /** "" for the main resource, e.g. "status" or "scale". */
  subresource: string;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** A Kubernetes object as admission sees it: JSON with metadata. */
export type AdmissionObject = Record<string, unknown> & {
  metadata?: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
};

export interface AdmissionAttributes {
  operation: Operation;
  /** The incoming object (CREATE, UPDATE, CONNECT options); mutating plugins change it in place. */
  object?: AdmissionObject;
  /** The stored object (UPDATE, DELETE). */
  oldObject?: AdmissionObject;
  /** May be "" on CREATE with generateName. */
  name: string;
  /** "" for cluster-scoped resources. */
  namespace: string;
  resource: GroupVersionResource;
  kind: GroupVersionKind;
  user: UserInfo;
  /** True when the request has `dryRun=All`: plugins must not have side effects. */
  dryRun: boolean;
  /** CreateOptions / UpdateOptions / DeleteOptions of the request, when the handler has them. */
  options?: unknown;
}

/**
 * An admission plugin. Throw to reject: an Error becomes kube's 403
 * `<resource>.<group> "<name>" is forbidden: <message>`; a StatusError is sent
 * as it is (e.g. errors.invalid for a 422).
 */
export interface AdmissionPlugin {
  name: string;
  /**
   * Operations this plugin looks at; default CREATE, UPDATE and DELETE (kube's typical Handles).
   * CONNECT is an exec: `object` is its `<Kind>ExecOptions` (command, container, stdin, stdout,
   * stderr, tty), `resource.subresource` is "exec"; throwing refuses the exec before it connects.
   */
  operations?: Operation[];
  /** Only these resources (plural names, `notebooks` or `notebooks/status`); default all. */
  resources?: string[];
  /** Runs in order before validation; may change `attrs.object`. */
  mutate?(attrs: AdmissionAttributes): void | Promise<void>;
  /** Runs after every mutation; must not change the object. */
  validate?(attrs: AdmissionAttributes): void | Promise<void>;
}

/** For user code: returns the plugin unchanged, typed. */
export function definePlugin(plugin: AdmissionPlugin): AdmissionPlugin {
  return plugin;
}
