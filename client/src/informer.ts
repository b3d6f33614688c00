import { isExpired } from "./errors.js";
import { objectKey, resourceVersionOf } from "./keys.js";
import { Lister } from "./lister.js";
import { Indexer, type Indexers } from "./store.js";
import type { FieldSelector, KubeList, KubeObject, LabelSelector, ListOptions, WatchOptions } from "./types.js";
import { compactManagedFields, type TransformFunc } from "./transform.js";
import { sleep, type Watch } from "./watch.js";

/** What an informer needs: a paged full list and a watch (a ResourceClient is one). */
export interface ListerWatcher<T extends KubeObject> {
  listEverything(opts: ListOptions): Promise<KubeList<T>>;
  watch(opts: WatchOptions): Watch<T>;
}

/**
 * Callbacks for changes to the cache. They run synchronously in event order
 * after the cache is updated; a returned promise is not awaited (queue work
 * instead of doing it inline), its rejection goes to the informer's error handler.
 */
export interface EventHandler<T> {
  /** `isInInitialList`: the object came with the first list, not from a later change. */
  onAdd?(obj: T, isInInitialList: boolean): void | Promise<void>;
  /** Also called with `old === obj` on every resync. */
  onUpdate?(old: T, obj: T): void | Promise<void>;
  /** The last state the cache had (it may be older than the deletion after a relist). */
  onDelete?(obj: T): void | Promise<void>;
}

export interface InformerOptions<T> {
  /** For namespaced kinds: watch one namespace only. */
  namespace?: string;
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  /** Default resync period for handlers, in milliseconds (0 = none). */
  resyncPeriodMs?: number;
  indexers?: Indexers<T>;
  /**
   * Applied to every object before it is cached (default `compactManagedFields`,
   * which keeps the cache near the objects' JSON size; `stripManagedFields`
   * drops them; pass `(o) => o` to cache objects exactly as received).
   */
  transform?: TransformFunc<T>;
  /**
   * Page size of the informer's lists (default 5,000). Larger than listAll's 500:
   * a sync is one pass over everything, and each page costs the server a
   * round trip and a seek, so fewer pages sync markedly faster.
   */
  pageSize?: number;
}

const DEFAULT_INFORMER_PAGE_SIZE = 5_000;

export interface HandlerRegistration {
  remove(): void;
}

const MAX_BACKOFF_MS = 5_000;

/**
 * A shared informer (client-go's SharedIndexInformer): one list+watch per
 * kind (and selection), a cache with indexes, handlers notified of changes.
 * After a dropped watch it resumes from the last version; on 410 it lists
 * again and reconciles the cache, emitting only real differences, so no
 * object is lost or delivered twice.
 */
export class SharedInformer<T extends KubeObject> {
  readonly indexer: Indexer<T>;
  private readonly handlers = new Set<{ h: EventHandler<T>; timer?: NodeJS.Timeout }>();
  private readonly errorHandlers = new Set<(err: unknown) => void>();
  private ctrl?: AbortController;
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private watcher?: Watch<T>;
  private lastSyncRV?: string;
  private readonly transform: TransformFunc<T>;

  constructor(
    private readonly source: ListerWatcher<T>,
    readonly options: InformerOptions<T> = {},
  ) {
    this.indexer = new Indexer<T>(options.indexers);
    this.transform = options.transform ?? compactManagedFields;
  }

  /** A lister over this informer's cache. */
  get lister(): Lister<T> {
    return new Lister(this.indexer);
  }

  /** True once the first list has been put in the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** The resourceVersion of the last list or event the cache reflects. */
  get lastSyncResourceVersion(): string | undefined {
    return this.watcher?.resourceVersion ?? this.lastSyncRV;
  }

  /**
   * Registers handlers. Added after the informer synced, the handler first
   * gets onAdd for every cached object, as with client-go.
   */
  addEventHandler(h: EventHandler<T>, resyncPeriodMs = this.options.resyncPeriodMs ?? 0): HandlerRegistration {
    const entry: { h: EventHandler<T>; timer?: NodeJS.Timeout } = { h };
    this.handlers.add(entry);
    // isInInitialList: true, as client-go marks this replay.
    if (this.synced) for (const obj of this.indexer.values()) this.call(() => h.onAdd?.(obj, true));
    if (resyncPeriodMs > 0) {
      entry.timer = setInterval(() => {
        if (!this.synced) return;
        for (const obj of this.indexer.values()) this.call(() => h.onUpdate?.(obj, obj));
      }, resyncPeriodMs);
      entry.timer.unref();
    }
    return {
      remove: () => {
        if (entry.timer) clearInterval(entry.timer);
        this.handlers.delete(entry);
      },
    };
  }

  /** Errors from the list/watch loop (it keeps retrying) and from handlers. Default: console.error. */
  onError(fn: (err: unknown) => void): void {
    this.errorHandlers.add(fn);
  }

  addIndexers(indexers: Indexers<T>): void {
    this.indexer.addIndexers(indexers);
  }

  /** Starts list+watch in the background; idempotent. */
  start(): void {
    if (this.ctrl) return;
    this.ctrl = new AbortController();
    void this.run(this.ctrl.signal);
  }

  /** Stops the watch and resync timers; the cache keeps its content. */
  stop(): void {
    this.ctrl?.abort();
    this.watcher?.close();
    for (const e of this.handlers) if (e.timer) clearInterval(e.timer);
  }

  /** Resolves once synced; rejects if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal!.reason ?? new Error("aborted"));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { labelSelector, fieldSelector } = this.options;
    let backoff = 0;
    while (!signal.aborted) {
      try {
        const limit = this.options.pageSize ?? DEFAULT_INFORMER_PAGE_SIZE;
        const list = await this.source.listEverything({ labelSelector, fieldSelector, limit, signal });
        if (signal.aborted) return;
        this.replace(list.items);
        this.lastSyncRV = list.metadata?.resourceVersion;
        this.markSynced();
        backoff = 0;
        // The Watch reconnects by itself from the last version; it only ends here on 410 or a hard error.
        this.watcher = this.source.watch({ labelSelector, fieldSelector, resourceVersion: this.lastSyncRV, onExpired: "throw", signal });
        for await (const ev of this.watcher) {
          if (ev.type === "ADDED" || ev.type === "MODIFIED") this.upsert(this.transform(ev.object));
          else if (ev.type === "DELETED") this.remove(ev.object);
        }
      } catch (err) {
        if (signal.aborted) return;
        if (isExpired(err)) continue; // relist now
        this.reportError(err);
        backoff = Math.min(MAX_BACKOFF_MS, Math.max(200, backoff * 2));
        await sleep(backoff, signal);
      }
    }
  }

  /** Reconciles the cache with a full list: adds, updates (changed resourceVersion) and deletes. */
  private replace(items: T[]): void {
    const initial = !this.synced;
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const old = this.indexer.get(key);
      if (old && resourceVersionOf(old) === resourceVersionOf(item)) continue;
      const obj = this.transform(item);
      this.indexer.set(obj, key);
      if (old) this.dispatch((h) => h.onUpdate?.(old, obj));
      else this.dispatch((h) => h.onAdd?.(obj, initial));
    }
    if (seen.size === this.indexer.size) return;
    for (const key of [...this.indexer.keys()]) {
      if (seen.has(key)) continue;
      const old = this.indexer.delete(key)!;
      this.dispatch((h) => h.onDelete?.(old));
    }
  }

  private upsert(obj: T): void {
    const key = objectKey(obj);
    const old = this.indexer.set(obj, key);
    if (old) this.dispatch((h) => h.onUpdate?.(old, obj));
    else this.dispatch((h) => h.onAdd?.(obj, false));
  }

  private remove(obj: T): void {
    // A delete of something the cache never had (e.g. created and deleted between a list and its watch) is not news.
    if (!this.indexer.delete(objectKey(obj))) return;
    this.dispatch((h) => h.onDelete?.(obj));
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const w of this.syncWaiters.splice(0)) w();
  }

  private dispatch(fn: (h: EventHandler<T>) => void | Promise<void>): void {
    for (const e of this.handlers) this.call(() => fn(e.h));
  }

  private call(fn: () => void | Promise<void>): void {
    try {
      const r = fn();
      if (r && typeof (r as Promise<void>).catch === "function") (r as Promise<void>).catch((err) => this.reportError(err));
    } catch (err) {
      this.reportError(err);
    }
  }

  private reportError(err: unknown): void {
    if (this.errorHandlers.size === 0) console.error("informer:", err);
    for (const fn of this.errorHandlers) fn(err);
  }
}
