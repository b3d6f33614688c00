/** What every verb handler of one kind shares. */
import type { AdmissionChain } from "../admission/chain.js";
import type { GenericStore } from "../registry/store.js";
import type { ResourceScope } from "../registry/scope.js";
import type { ConnectHook } from "../connect/handler.js";
import type { EncodeCache } from "./encode-cache.js";
import type { ListCache } from "./list-cache.js";

export interface ResourceHandlerOptions {
  /** Metrics hook, called once per request when it completes (watch: when the stream ends). */
  observe?: (verb: string, resource: string, code: number, seconds: number) => void;
  /** Interval of BOOKMARK events for allowWatchBookmarks watches served by the watch cache (default 60 s, kube's defaultBookmarkFrequency). */
  bookmarkIntervalMs?: number;
  /** Watch timeout without timeoutSeconds is random in [min, 2*min) (default 1800 s). */
  minRequestTimeoutSeconds?: number;
  /** Request body limit (default 3 MiB). */
  maxBodyBytes?: number;
  /** `date` print-column cells: "human" ("5m", kube's CR convertor, default) or the raw RFC3339 string. */
  dateCells?: "human" | "rfc3339";
  /** Characters of serialised objects kept for reuse (default 64 Mi). */
  encodeCacheChars?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /** The server's admission chain (built-in then user plugins); none = no admission. */
  admission?: AdmissionChain;
  /** Serves declared `log`/`exec` subresources (runtime/src/connect); without it they are 404. */
  connect?: ConnectHook;
  /** Where the handlers report what they cannot tell the client (the server's log). */
  log?: (message: string) => void;
}

export interface Env {
  scope: ResourceScope;
  store: GenericStore;
  cache: EncodeCache;
  lists: ListCache;
  opts: Required<Omit<ResourceHandlerOptions, "observe" | "connect" | "admission" | "log" | "bookmarkIntervalMs">>;
  admission?: AdmissionChain;
  connect?: ConnectHook;
}
