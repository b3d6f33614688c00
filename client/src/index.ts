/**
 * The client runtime: what a generated `<package>/client` is a thin typed
 * layer over (the counterpart of client-go's rest, tools/cache and
 * util/retry packages).
 */
export { ClientBase } from "./client-base.js";
export { type ClientConfig, type ClientDefaults, type ClientOptions } from "./config.js";
export {
  ApiError,
  TimeoutError,
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isExpired,
  isForbidden,
  isInvalid,
  isNotFound,
  isTimeout,
  isTooManyRequests,
  isUnauthorized,
} from "./errors.js";
export { SharedInformer, type EventHandler, type HandlerRegistration, type InformerOptions, type ListerWatcher } from "./informer.js";
export { SharedInformerFactory } from "./informer-factory.js";
export { objectKey } from "./keys.js";
export { Lister, NamespaceLister } from "./lister.js";
export { ResourceClient, DEFAULT_PAGE_SIZE, type CreateInput } from "./resource-client.js";
export { DEFAULT_RETRY, retryOn, retryOnConflict, type Backoff } from "./retry.js";
export { compileLabelSelector, formatFieldSelector, formatLabelSelector } from "./selectors/options.js";
export { Indexer, NAMESPACE_INDEX, type IndexFunc, type Indexers } from "./store.js";
export { compactManagedFields, stripManagedFields, type TransformFunc } from "./transform.js";
export { Transport, type HttpRequest, type HttpResponse } from "./transport.js";
export { Watch, sleep, type WatchSource } from "./watch.js";
export { WorkQueue } from "./workqueue.js";
export type * from "./types.js";
