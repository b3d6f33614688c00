/**
 * The watch cache in front of any Storage, after k8s.io/apiserver/pkg/storage/cacher:
 * one WatchCache (backend list + watch) per kind, started on first use. Served from it:
 * every watch, lists at "any" revision (`revision: 0`) or not older than a revision,
 * and consistent lists (no revision), which first wait until the cache reached the
 * backend's current revision (bounded; the backend answers on timeout). Exact-revision
 * reads (exact, continue tokens), plain gets, counts and all writes go to the backend.
 */
import { keyNotFound, tooLargeResourceVersion, watchExpired } from "../errors.js";
import {
  StorageError,
  type KubeObject,
  type ListOptions,
  type ListResult,
  type Preconditions,
  type Storage,
  type UpdateFunc,
  type WatchOptions,
  type Watcher,
} from "../interface.js";
import { CacheWatcher } from "./cache-watcher.js";
import { deliver } from "../../apimachinery/watch.js";
import { asDir, kindOf, kindPrefix } from "./keys.js";
import { WatchCache } from "./watch-cache.js";

export interface CacherOptions {
  /** Events kept per kind for watches to start from (default 10,000). */
  windowSize?: number;
  /** Undelivered events a watcher may have before it is closed (default 1,000). */
  watchBufferSize?: number;
  /** How long a read not older than a future revision waits before TooLargeResourceVersion (default 3 s). */
  waitForRevisionMs?: number;
  /** How long a consistent read waits for the cache before asking the backend (default 3 s, as kube). */
  consistentReadTimeoutMs?: number;
  /** Bookmark interval of the backend watches: how soon an idle kind learns the latest revision (default 25 ms). */
  progressIntervalMs?: number;
  /** Called with backend watch errors (the cache retries). */
  onError?: (err: unknown) => void;
  /** Called when a watcher is ended for falling behind (kube's apiserver_terminated_watchers_total). */
  onWatcherTerminated?: (kind: { group: string; resource: string }) => void;
}

/** What an option left out means; the manifests' README states the window and the buffer. */
export const CACHER_DEFAULTS = {
  windowSize: 10_000,
  watchBufferSize: 1_000,
  waitForRevisionMs: 3_000,
  consistentReadTimeoutMs: 3_000,
  progressIntervalMs: 25,
} as const;

export class Cacher implements Storage {
  private readonly caches = new Map<string, WatchCache>();
  private readonly opts: Required<Omit<CacherOptions, "onError" | "onWatcherTerminated">> & Pick<CacherOptions, "onError" | "onWatcherTerminated">;
  private closed = false;

  constructor(
    readonly backend: Storage,
    opts: CacherOptions = {},
  ) {
    this.opts = {
      windowSize: opts.windowSize ?? CACHER_DEFAULTS.windowSize,
      watchBufferSize: opts.watchBufferSize ?? CACHER_DEFAULTS.watchBufferSize,
      waitForRevisionMs: opts.waitForRevisionMs ?? CACHER_DEFAULTS.waitForRevisionMs,
      consistentReadTimeoutMs: opts.consistentReadTimeoutMs ?? CACHER_DEFAULTS.consistentReadTimeoutMs,
      progressIntervalMs: opts.progressIntervalMs ?? CACHER_DEFAULTS.progressIntervalMs,
      onError: opts.onError,
      onWatcherTerminated: opts.onWatcherTerminated,
    };
    const self = this;
    this.hub = {
      get watcherCount() {
        return self.watcherCount;
      },
    };
  }

  /** Live watchers across kinds, under the name KVStore's hub gives it (tests read `hub.watcherCount`). */
  readonly hub: { readonly watcherCount: number };

  // ---- writes: straight to the backend (the cache learns them from its watch) ----

  create(key: string, obj: KubeObject): Promise<KubeObject> {
    this.touch(key);
    return this.backend.create(key, obj);
  }

  guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunc,
    opts?: { preconditions?: Preconditions; ignoreNotFound?: boolean },
  ): Promise<KubeObject> {
    this.touch(key);
    return this.backend.guaranteedUpdate(key, tryUpdate, opts);
  }

  delete(
    key: string,
    opts?: { preconditions?: Preconditions; validateDeletion?: (current: KubeObject) => void | Promise<void> },
  ): Promise<KubeObject> {
    this.touch(key);
    return this.backend.delete(key, opts);
  }

  // ---- reads ----

  /**
   * The latest revision of a key is a backend question, like a plain get; the backend
   * offers it only where it knows without I/O (SQLite, memory). Then its current revision
   * is local too, and a cache that has applied every change up to it holds the same answer
   * without a query.
   */
  async revisionOf(key: string): Promise<number | undefined> {
    if (!this.backend.revisionOf) return undefined;
    const cache = this.touch(key);
    if (cache?.ready) {
      const current = await this.backend.currentRevision();
      // The cache only moves forward: fresh now, fresh when read below.
      if (cache.rev >= current) {
        const obj = cache.items.get(key);
        return obj ? Number(obj.metadata.resourceVersion) : undefined;
      }
    }
    return this.backend.revisionOf(key);
  }

  /** A plain get is a quorum read in kube (etcd); a get with a revision is served from the cache. */
  async get(key: string, opts?: { revision?: number }): Promise<KubeObject> {
    const cache = this.touch(key);
    if (!cache || opts?.revision === undefined) return this.backend.get(key, opts);
    const served = await this.serve(cache, key, opts.revision, () => {
      const obj = cache.items.get(key);
      if (!obj) throw keyNotFound(key, cache.rev);
      return obj;
    });
    return served ?? this.backend.get(key, opts);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const cache = this.touch(prefix);
    // Exact revisions (and continue tokens, which pin one) are the backend's: it keeps history.
    if (!cache || opts.exact || opts.continueAfter !== undefined) return this.backend.list(prefix, opts);
    const served = await this.serve(cache, prefix, opts.revision, () => listFrom(cache, prefix, opts));
    return served ?? this.backend.list(prefix, opts);
  }

  /**
   * Runs `read` on the cache once it is fresh enough for `revision` (0: any; undefined:
   * the backend's current revision; n: not older than n, nor than the current one, so a
   * client never reads older than what it wrote). Undefined: ask the backend instead.
   */
  private async serve<T>(cache: WatchCache, key: string, revision: number | undefined, read: () => T): Promise<T | undefined> {
    if (revision === 0) return cache.serve(0, this.opts.consistentReadTimeoutMs, read);
    const current = await this.backend.currentRevision();
    if (revision !== undefined && revision > current) {
      const out = await cache.serve(revision, this.opts.waitForRevisionMs, read);
      if (out === undefined) throw tooLargeResourceVersion(key, revision, await this.backend.currentRevision());
      return out;
    }
    return cache.serve(current, this.opts.consistentReadTimeoutMs, read);
  }

  /** A watcher decided once the cache has filled: the cache's when it holds the revision, else the backend's. */
  private afterFill(cache: WatchCache, key: string, opts: WatchOptions): Watcher {
    let inner: Watcher | undefined;
    let stopped = false;
    const picked = new Promise<Watcher>((resolve, reject) => {
      cache.when(0, Infinity, (ok) => {
        try {
          if (!ok) return resolve(this.backend.watch(key, opts));
          resolve(opts.revision < cache.windowStart ? this.backend.watch(key, opts) : this.watch(key, opts));
        } catch (err) {
          reject(err);
        }
      });
    });
    picked.then(
      (w) => {
        inner = w;
        if (stopped) w.stop();
      },
      () => undefined,
    );
    return {
      stop() {
        stopped = true;
        inner?.stop();
      },
      pushTo(sink) {
        let resume = () => {};
        picked.then(
          (w) => (resume = deliver(w, sink)),
          (err) => sink.end(err),
        );
        return () => resume();
      },
      async *[Symbol.asyncIterator]() {
        const w = await picked;
        if (!stopped) yield* w;
      },
    };
  }

  watch(key: string, opts: WatchOptions): Watcher {
    this.checkOpen(key);
    const k = opts.recursive ? asDir(key) : key;
    const cache = this.touch(k);
    if (!cache) return this.backend.watch(key, opts);
    const w = new CacheWatcher(cache, {
      key: k,
      recursive: opts.recursive,
      predicate: opts.predicate,
      requested: opts.revision,
      bookmarkIntervalMs: opts.bookmarkIntervalMs,
      clientBookmarks: opts.clientBookmarks,
      bufferSize: this.opts.watchBufferSize,
      onTerminated: this.opts.onWatcherTerminated && (() => this.opts.onWatcherTerminated!(kindOf(cache.kind))),
    });
    if (opts.revision === 0 || opts.sendInitialEvents) {
      // The state at a revision not older than asked (sendInitialEvents), or any (0), then changes.
      const want = opts.sendInitialEvents ? opts.revision : 0;
      const timeout = want > 0 ? this.opts.waitForRevisionMs : Infinity;
      cache.when(want, timeout, (ok) => {
        if (ok) w.begin(0, { initialEventsEnd: !!opts.sendInitialEvents });
        else if (this.closed) w.stop();
        else w.fail(tooLargeResourceVersion(key, want, cache.rev));
      });
      return w;
    }
    const start = () => {
      if (opts.revision < cache.windowStart) throw watchExpired(key, opts.revision, cache.windowStart);
      w.begin(opts.revision);
    };
    if (cache.ready && opts.revision < cache.windowStart) {
      // Older than the window (the cache filled after a restart, or moved on): the backend's
      // history still has it unless compacted, where the backend answers Expired itself.
      w.stop();
      return this.backend.watch(key, opts);
    }
    if (cache.ready) start();
    else if (opts.revision > 0) {
      // The cache is filling (the first request of this kind since start-up): a resume from
      // a revision it will not hold is the backend's while its history has it, so a restarted
      // server does not send every watcher back to relist. A compacted revision still fails.
      w.stop();
      return this.afterFill(cache, key, opts);
    } else {
      cache.when(0, Infinity, (ok) => {
        if (!ok) return w.stop();
        try {
          start();
        } catch (err) {
          w.fail(err);
        }
      });
    }
    return w;
  }

  currentRevision(): Promise<number> {
    this.checkOpen("");
    return this.backend.currentRevision();
  }

  /** Compacts the backend and the windows alike, so watches from before it fail as the backend's would. */
  async compact(revision: number): Promise<void> {
    this.checkOpen("");
    await this.backend.compact(revision);
    const compacted = await this.backend.compactedRevision();
    for (const c of this.caches.values()) c.truncate(compacted);
  }

  compactedRevision(): Promise<number> {
    return this.backend.compactedRevision();
  }

  count(prefix: string): Promise<number> {
    this.checkOpen(prefix);
    return this.backend.count(prefix);
  }

  /** Periodic compaction belongs to the backend (KVStore): pass the controls through. */
  stopCompaction(): void {
    (this.backend as { stopCompaction?: () => void }).stopCompaction?.();
  }

  /** Starts the caches of these kind prefixes (`/<group>/<plural>/`) now, not on first use, so readiness can wait for them. */
  start(kindPrefixes: string[]): void {
    for (const p of kindPrefixes) this.touch(asDir(p));
  }

  /** The started kinds whose cache has not finished its initial list yet (kube's cacher ReadinessCheck). */
  unsynced(): string[] {
    return [...this.caches.values()].filter((c) => !c.ready).map((c) => c.kind);
  }

  get watcherCount(): number {
    let n = 0;
    for (const c of this.caches.values()) n += c.watchers.size;
    return n;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.caches.values()) c.stop();
    this.caches.clear();
    await this.backend.close();
  }

  /** The kind's cache, started on first use (undefined for keys outside a kind). */
  private touch(key: string): WatchCache | undefined {
    this.checkOpen(key);
    const kind = kindPrefix(key);
    if (!kind) return undefined;
    let c = this.caches.get(kind);
    if (!c) {
      c = new WatchCache(kind, this.backend, { capacity: this.opts.windowSize, progressIntervalMs: this.opts.progressIntervalMs }, this.opts.onError);
      this.caches.set(kind, c);
    }
    return c;
  }

  private checkOpen(key: string): void {
    if (this.closed) throw new StorageError("Unreachable", key, "storage is closed");
  }
}

/** A list from the cache's sorted keys, with the paging rules of KVStore.list. */
function listFrom(cache: WatchCache, prefix: string, opts: ListOptions): ListResult {
  const pred = opts.predicate;
  const revision = cache.rev;
  if (opts.recursive === false) {
    const obj = cache.items.get(prefix);
    return { items: obj && (!pred || pred(obj)) ? [obj] : [], revision };
  }
  const dir = asDir(prefix);
  const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
  const items: KubeObject[] = [];
  let last: string | undefined;
  let full = false;
  cache.keys.scan(dir, undefined, (k) => {
    if (limit && items.length >= limit) {
      full = true;
      return false;
    }
    last = k;
    const obj = cache.items.get(k)!;
    if (!pred || pred(obj)) items.push(obj);
  });
  if (full) {
    const result: ListResult = { items, revision, continueKey: last };
    if (!pred) result.remainingItemCount = cache.keys.countUnder(dir, last);
    return result;
  }
  return { items, revision };
}
