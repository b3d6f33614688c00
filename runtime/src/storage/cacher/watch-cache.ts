/**
 * One kind's cache, as kube's watchCache + reflector: a backend list then a backend
 * watch (resumed from the last revision when it ends, relisted when that revision was
 * compacted) keep an in-memory copy of every object (sorted keys, for paging) and a
 * sliding window of recent events that watchers read with their own cursor, so a
 * write costs one append whatever the number of watchers.
 */
import { StorageError, type KubeObject, type Storage, type WatchEvent, type Watcher } from "../interface.js";
import { objectKey } from "./keys.js";
import { SortedKeys } from "../sorted-keys.js";

/** A change as kept in the window: the event every watcher without a predicate shares. */
export interface CacheEvent {
  key: string;
  revision: number;
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: KubeObject;
  prevObject?: KubeObject;
  /** Built once, so all watchers get the same object (memoised encodings hit). */
  event: WatchEvent;
  /** For predicates: the MODIFIED seen as ADDED / DELETED, built on first use. */
  asAdded?: WatchEvent;
  asDeleted?: WatchEvent;
}

/** What the cache tells its watchers. */
export interface CacheListener {
  notify(ev: CacheEvent): void;
  /** The cache relisted or stopped: the watcher cannot continue without a gap. */
  terminate(): void;
}

export interface WatchCacheOptions {
  /** Events kept in the window (kube's watch cache capacity). */
  capacity: number;
  /** Bookmark interval asked of the backend watch: how fast an idle kind learns the current revision. */
  progressIntervalMs: number;
}

interface Waiter {
  revision: number;
  cb: (ok: boolean) => void;
  timer?: NodeJS.Timeout;
}

export class WatchCache {
  readonly items = new Map<string, KubeObject>();
  readonly keys = new SortedKeys();
  /** Every change up to this revision is applied (events, or backend bookmarks). */
  rev = 0;
  ready = false;
  /** Every event after this revision is in the window. */
  windowStart = 0;
  /** Highest compaction passed through the cacher: a cursor below it is Expired, not just slow. */
  compactedRev = 0;
  readonly watchers = new Set<CacheListener>();
  private events: (CacheEvent | undefined)[] = [];
  private head = 0;
  private waiters: Waiter[] = [];
  private feed: Watcher | undefined;
  private stopped = false;

  constructor(
    readonly kind: string,
    private readonly backend: Storage,
    private readonly opts: WatchCacheOptions,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    void this.run();
  }

  /** Calls `cb(true)` synchronously once the cache is ready at `revision` or later, `cb(false)` after `timeoutMs`. */
  when(revision: number, timeoutMs: number, cb: (ok: boolean) => void): void {
    if (this.stopped) return cb(false);
    if (this.ready && this.rev >= revision) return cb(true);
    const w: Waiter = { revision, cb };
    if (Number.isFinite(timeoutMs)) {
      w.timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        cb(false);
      }, timeoutMs);
    }
    this.waiters.push(w);
  }

  /** Runs `fn` on the cache once it reached `revision` (undefined on timeout). */
  serve<T>(revision: number, timeoutMs: number, fn: () => T): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.when(revision, timeoutMs, (ok) => {
        if (!ok) return resolve(undefined);
        try {
          resolve(fn());
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  /** Index of the first window event after `revision` (the window is sorted by revision). */
  firstAfter(revision: number): number {
    let lo = this.head;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid]!.revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  eventAt(i: number): CacheEvent | undefined {
    return i < this.events.length ? this.events[i] : undefined;
  }

  /** Forget window events at or before `revision` (a compaction through the cacher). */
  truncate(revision: number): void {
    this.compactedRev = Math.max(this.compactedRev, revision);
    this.windowStart = Math.max(this.windowStart, revision);
    while (this.head < this.events.length && this.events[this.head]!.revision <= revision) this.events[this.head++] = undefined;
    this.shrink();
  }

  stop(): void {
    this.stopped = true;
    this.feed?.stop();
    for (const w of [...this.watchers]) w.terminate();
    this.watchers.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      clearTimeout(w.timer);
      w.cb(false);
    }
  }

  /** List, then follow the backend watch; resume after it ends, relist when it expired. */
  private async run(): Promise<void> {
    let relist = true;
    let backoff = 0;
    while (!this.stopped) {
      try {
        if (relist) {
          const res = await this.backend.list(this.kind);
          if (this.stopped) return;
          this.replace(res.items, res.revision);
          relist = false;
        }
        await this.follow();
        backoff = 0;
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof StorageError && err.code === "Expired") relist = true;
        else {
          // Backend trouble (e.g. etcd unreachable): retry with backoff; reads fall back meanwhile.
          this.onError(err);
          backoff = Math.min(2000, backoff ? backoff * 2 : 50);
          await new Promise((r) => setTimeout(r, backoff).unref?.());
        }
      }
    }
  }

  private async follow(): Promise<void> {
    const w = this.backend.watch(this.kind, {
      revision: this.rev,
      recursive: true,
      bookmarkIntervalMs: this.opts.progressIntervalMs,
    });
    this.feed = w;
    try {
      for await (const ev of w) {
        if (this.stopped) return;
        this.apply(ev);
      }
    } finally {
      w.stop();
    }
    // The backend ended the watch (we fell behind, or it restarted): resume from this.rev.
  }

  private replace(items: KubeObject[], revision: number): void {
    // A relist after the first one leaves a gap no watcher can bridge: end them (kube does too).
    if (this.ready) for (const w of [...this.watchers]) w.terminate();
    this.watchers.clear();
    this.items.clear();
    const keys: string[] = [];
    for (const obj of items) {
      const k = objectKey(this.kind, obj);
      this.items.set(k, obj);
      keys.push(k);
    }
    keys.sort();
    this.keys.reset(keys);
    this.events = [];
    this.head = 0;
    this.windowStart = revision;
    this.rev = revision;
    this.ready = true;
    this.fire();
  }

  private apply(ev: WatchEvent): void {
    if (ev.type === "BOOKMARK") {
      if (ev.revision > this.rev) {
        this.rev = ev.revision;
        this.fire();
      }
      return;
    }
    if (ev.type === "ERROR" || ev.revision <= this.rev) return;
    const key = objectKey(this.kind, ev.object);
    const prev = this.items.get(key);
    if (ev.type === "DELETED") {
      this.items.delete(key);
      this.keys.remove(key);
    } else {
      this.items.set(key, ev.object);
      if (!prev) this.keys.insert(key);
    }
    const prevObject = ev.type === "ADDED" ? undefined : (prev ?? ev.prevObject);
    const event: WatchEvent = { type: ev.type, object: ev.object, revision: ev.revision };
    if (prevObject) event.prevObject = prevObject;
    const ce: CacheEvent = { key, revision: ev.revision, type: ev.type, object: ev.object, prevObject, event };
    this.events.push(ce);
    if (this.events.length - this.head > this.opts.capacity) {
      this.windowStart = this.events[this.head]!.revision;
      this.events[this.head++] = undefined;
      this.shrink();
    }
    this.rev = ev.revision;
    // Pushed watchers hand the event to their sinks here, one append each (kube's dispatchEvent);
    // the sockets are written later, once per watcher per turn, by the watch handler.
    for (const w of this.watchers) w.notify(ce);
    this.fire();
  }

  private shrink(): void {
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }

  /** Wakes the waiters whose revision is reached, synchronously (they read a snapshot now). */
  private fire(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.revision <= this.rev);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.revision > this.rev);
    for (const w of ready) {
      clearTimeout(w.timer);
      w.cb(true);
    }
  }
}
