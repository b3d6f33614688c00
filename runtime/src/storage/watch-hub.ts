/**
 * In-process fan-out of committed changes to watchers, shared by every backend.
 *
 * Each watcher owns a bounded queue that `publish` appends to synchronously, so a
 * write never waits for a reader. Decoding and predicate evaluation happen lazily
 * when the consumer pulls, so slow or numerous watchers cost writes only an array push.
 * A watcher whose queue overflows is ended (after what it already buffered, so it
 * never skips an event) and the client re-watches from the last revision it saw,
 * which is what Kubernetes' cacher does to slow watchers.
 *
 * Before live events a watcher may drain a backlog (replayed history or the initial
 * state as ADDED) pulled in batches; live events at or below `liveAfter` are the
 * backlog's and are skipped, so the switch to live has neither gaps nor duplicates.
 */
import type { RawEvent } from "./change.js";
import { decode } from "./codec.js";
import type { KubeObject, Predicate, WatchEvent, Watcher } from "./interface.js";
import { WakeSignal } from "./wake-signal.js";

/** Annotation on the bookmark that ends the initial events of a watch-list (sendInitialEvents). */
export const INITIAL_EVENTS_END_ANNOTATION = "k8s.io/initial-events-end";

export type BacklogItem =
  | { kind: "change"; event: RawEvent }
  | { kind: "initial"; key: string; value: string; revision: number }
  | { kind: "bookmark"; revision: number; initialEventsEnd?: boolean };

/** Returns the next batch of backlog items; an empty batch ends the backlog. May throw (e.g. Expired). */
export type BacklogSource = () => BacklogItem[] | Promise<BacklogItem[]>;

export interface HubWatchParams {
  key: string;
  recursive: boolean;
  predicate?: Predicate;
  /** Only live changes with a revision above this are delivered. */
  liveAfter: number;
  backlog?: BacklogSource;
  /** Emit a BOOKMARK with the latest revision this often while idle. */
  bookmarkIntervalMs?: number;
}

type LiveItem = RawEvent | { bookmark: true };

const DONE: IteratorResult<WatchEvent> = { value: undefined, done: true };

export class WatchHub {
  private readonly watchers = new Set<HubWatcher>();
  private waiters: { revision: number; resolve: () => void }[] = [];
  private stopped = false;

  /**
   * @param revision the store's current revision at start
   * @param bufferSize live events a watcher may have queued before it is ended
   */
  constructor(
    public revision: number,
    readonly bufferSize = 10_000,
  ) {}

  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Called by the backend synchronously after each commit, in revision order. */
  publish(events: RawEvent[]): void {
    if (events.length === 0) return;
    for (const ev of events) {
      for (const w of this.watchers) if (w.matches(ev.key)) w.pushLive(ev);
    }
    this.revision = events[events.length - 1]!.revision;
    this.wakeWaiters();
  }

  /**
   * The feed resumed at `revision` after a gap (etcd's watch could not resume): ends every
   * watcher, whose clients re-watch from the last revision they saw, and goes on from there.
   */
  restart(revision: number): void {
    for (const w of [...this.watchers]) w.stop();
    this.revision = revision;
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.revision <= this.revision);
    this.waiters = this.waiters.filter((w) => w.revision > this.revision);
    for (const w of ready) w.resolve();
  }

  watch(params: HubWatchParams): Watcher {
    const w = new HubWatcher(this, params);
    if (this.stopped) w.stop();
    else this.watchers.add(w);
    return w;
  }

  /** Resolves with the hub's revision once it reaches `revision`, or with the lower one it has after `timeoutMs`. */
  waitForRevision(revision: number, timeoutMs: number): Promise<number> {
    if (this.revision >= revision || this.stopped || timeoutMs <= 0) return Promise.resolve(this.revision);
    return new Promise((resolve) => {
      const waiter = {
        revision,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.revision);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(this.revision);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** @internal */
  remove(w: HubWatcher): void {
    this.watchers.delete(w);
  }

  /** Ends every watcher now (the storage is closing: its backlog can no longer be read) and pending waits. */
  stop(): void {
    this.stopped = true;
    for (const w of [...this.watchers]) w.stop();
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }
}

class HubWatcher implements Watcher {
  private live: (LiveItem | undefined)[] = [];
  private head = 0;
  private batch: BacklogItem[] = [];
  private batchPos = 0;
  private backlogDone: boolean;
  /** open: receiving; ending: drain what is queued then finish; stopped: finished. */
  private state: "open" | "ending" | "stopped" = "open";
  private error: unknown = undefined;
  /** Pending next() calls (normally one; several if a consumer does not await each). */
  private readonly wake = new WakeSignal();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hub: WatchHub,
    private readonly p: HubWatchParams,
  ) {
    this.backlogDone = !p.backlog;
    if (p.bookmarkIntervalMs && p.bookmarkIntervalMs > 0) {
      this.timer = setInterval(() => this.pushBookmark(), p.bookmarkIntervalMs);
      this.timer.unref();
    }
  }

  matches(key: string): boolean {
    return this.p.recursive ? key.startsWith(this.p.key) : key === this.p.key;
  }

  pushLive(item: LiveItem): void {
    if (this.state !== "open") return;
    if (this.live.length - this.head >= this.hub.bufferSize) {
      this.end(); // too slow: stop receiving, let it drain, the client re-watches
      return;
    }
    this.live.push(item);
    this.wake.notify();
  }

  /** A bookmark is only truthful when every event up to the hub's revision is already queued. */
  private pushBookmark(): void {
    if (this.backlogDone && this.head >= this.live.length) this.pushLive({ bookmark: true });
  }

  /** Stops receiving; the consumer still gets what is queued, then the iteration ends. */
  end(): void {
    if (this.state !== "open") return;
    this.state = "ending";
    this.detach();
    this.wake.notify();
  }

  stop(): void {
    this.state = "stopped";
    this.detach();
    this.live = [];
    this.head = 0;
    this.batch = [];
    this.wake.notify();
  }

  private detach(): void {
    this.hub.remove(this);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async next(): Promise<IteratorResult<WatchEvent>> {
    for (;;) {
      if (this.state === "stopped") return DONE;
      if (this.error !== undefined) {
        const err = this.error;
        this.error = undefined;
        this.stop();
        throw err;
      }
      if (!this.backlogDone) {
        if (this.batchPos >= this.batch.length) {
          try {
            this.batch = await this.p.backlog!();
          } catch (err) {
            this.error = err;
            continue;
          }
          this.batchPos = 0;
          if (this.batch.length === 0) this.backlogDone = true;
          continue;
        }
        const ev = this.fromBacklog(this.batch[this.batchPos++]!);
        if (ev) return { value: ev, done: false };
        continue;
      }
      if (this.head < this.live.length) {
        const item = this.live[this.head]!;
        this.live[this.head++] = undefined;
        if (this.head > 1024 && this.head * 2 > this.live.length) {
          this.live = this.live.slice(this.head);
          this.head = 0;
        }
        if ("bookmark" in item) {
          return { value: bookmark(Math.max(this.hub.revision, this.p.liveAfter)), done: false };
        }
        if (item.revision <= this.p.liveAfter) continue;
        const ev = changeToEvent(item, this.p.predicate);
        if (ev) return { value: ev, done: false };
        continue;
      }
      if (this.state === "ending") {
        this.stop();
        return DONE;
      }
      await this.wake.wait();
    }
  }

  private fromBacklog(item: BacklogItem): WatchEvent | null {
    switch (item.kind) {
      case "change":
        return changeToEvent(item.event, this.p.predicate);
      case "initial": {
        const obj = decode(item.value, item.revision);
        if (this.p.predicate && !this.p.predicate(obj)) return null;
        return { type: "ADDED", object: obj, revision: item.revision };
      }
      case "bookmark":
        return bookmark(item.revision, item.initialEventsEnd);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => this.next(),
      return: async () => {
        this.stop();
        return DONE;
      },
    };
  }
}

function bookmark(revision: number, initialEventsEnd = false): WatchEvent {
  const metadata: KubeObject["metadata"] = { resourceVersion: String(revision) };
  if (initialEventsEnd) metadata.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: "true" };
  return { type: "BOOKMARK", object: { metadata }, revision };
}

/**
 * Turns a stored change into a watch event as etcd3/watcher.go `transform` does:
 * with a predicate, a MODIFIED that starts matching becomes ADDED and one that stops
 * matching becomes DELETED; DELETED objects carry the deletion's revision. Like its
 * `prepareObjects`, the previous value is parsed up front only when a predicate must see it.
 */
function changeToEvent(e: RawEvent, predicate?: Predicate): WatchEvent | null {
  if (e.value === null) {
    const object = decode(e.prevValue!, e.revision);
    if (predicate && !predicate(object)) return null;
    return withLazyPrevious("DELETED", object, e);
  }
  const object = e.object ?? decode(e.value, e.revision);
  if (e.prevValue === null) {
    if (predicate && !predicate(object)) return null;
    return { type: "ADDED", object, revision: e.revision };
  }
  if (!predicate) return withLazyPrevious("MODIFIED", object, e);
  const prevObject = decode(e.prevValue, e.prevRevision);
  const nowMatches = predicate(object);
  const matched = predicate(prevObject);
  if (nowMatches && matched) return { type: "MODIFIED", object, revision: e.revision, prevObject };
  if (nowMatches) return { type: "ADDED", object, revision: e.revision, prevObject };
  if (matched) return { type: "DELETED", object: decode(e.prevValue, e.revision), revision: e.revision, prevObject };
  return null;
}

/**
 * An event whose prevObject is parsed when first read: its readers (the watch cache, which
 * keeps the previous state itself) seldom do, and a large object's parse blocks the loop.
 */
function withLazyPrevious(type: "MODIFIED" | "DELETED", object: KubeObject, e: RawEvent): WatchEvent {
  let prevObject: KubeObject | undefined;
  return {
    type,
    object,
    revision: e.revision,
    get prevObject() {
      return (prevObject ??= decode(e.prevValue!, e.prevRevision));
    },
  };
}
