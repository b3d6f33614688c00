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
  /**
   * Push delivery instead of the iteration, for watchers that fan out to many (the watch
   * cache hands each event to every watcher, as kube's cacher fills each watcher's buffer):
   * events go to `sink` as they come, without a promise per event. Returns `resume`, which
   * the sink calls when it takes events again after a push returned false. Optional: use
   * `deliver`, which iterates a watcher without it.
   */
  pushTo?(sink: WatchSink): () => void;
}

/** Where a watcher pushes its events: the watch handler's response. */
export interface WatchSink {
  /** Takes the next event; false when it holds enough for now (push more after `resume`). */
  push(ev: WatchEvent): boolean;
  /** No more events: `err` when the watch failed (sent as an ERROR event), else it ended and the client resumes. */
  end(err?: unknown): void;
}

/** Delivers `watcher`'s events to `sink`: pushed when the watcher can, else iterated. Returns `resume` (see Watcher.pushTo). */
export function deliver(watcher: Watcher, sink: WatchSink): () => void {
  if (watcher.pushTo) return watcher.pushTo(sink);
  let ready: (() => void) | undefined;
  void (async () => {
    try {
      for await (const ev of watcher) {
        if (!sink.push(ev)) await new Promise<void>((resolve) => (ready = resolve));
      }
    } catch (err) {
      return sink.end(err);
    }
    sink.end();
  })();
  return () => {
    const resolve = ready;
    ready = undefined;
    resolve?.();
  };
}
