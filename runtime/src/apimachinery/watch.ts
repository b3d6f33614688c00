/**
 * Watch events as they travel up from storage through the registry to the watch
 * handler (k8s.io/apimachinery/pkg/watch): the storage fills them, the handler
 * encodes them; neither needs the other's module to name them.
 */
import type { KubeObject } from "./object.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface WatchEvent {
  type: WatchEventType;
  /** For DELETED, the last state with the deletion's revision as resourceVersion. */
  object: KubeObject;
  /** Revision of the change. */
  revision: number;
  /** For MODIFIED/DELETED, the previous state (so predicates can turn MODIFIED into ADDED/DELETED). */
  prevObject?: KubeObject;
}

/**
 * A running watch. Events arrive in revision order; `stop` ends it. `next()` may reject
 * with an error (e.g. storage's `Expired` when history is compacted during a replay,
 * which the registry turns into a Status): the handler sends it as an ERROR event. The
 * iteration simply ends when the watcher fell too far behind (bounded buffer) or the
 * storage closed: the client re-watches from the last resourceVersion it saw, as with
 * Kubernetes' cacher.
 */
export interface Watcher extends AsyncIterable<WatchEvent> {
  stop(): void;
}
