/** The watch cache (kube's cacher) in front of any Storage. */
export { Cacher, type CacherOptions } from "./cacher.js";
export { WatchCache, type CacheEvent, type WatchCacheOptions } from "./watch-cache.js";
export { CacheWatcher } from "./cache-watcher.js";
