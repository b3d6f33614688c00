/**
 * A watch served from a WatchCache. It owns no queue: it reads the cache's shared
 * window through a revision cursor, so fan-out costs a write one counter bump per
 * watcher. Pushed (pushTo, the watch handler), an event goes to the sink in the
 * cache's dispatch itself; iterated, the reader is woken. A watcher that lets more
 * than `bufferSize` of its events pile up (its sink stopped taking them: the client
 * does not read) is ended (after those it had "buffered", so it never skips one) and
 * the client re-watches from the last revision it saw, as with kube's cacher: a
 * watcher that does not read cannot stall the others.
 */
import { watchExpired } from "../errors.js";
import type { WatchSink } from "../../apimachinery/watch.js";
import type { KubeObject, Predicate, WatchEvent, Watcher } from "../interface.js";
import { INITIAL_EVENTS_END_ANNOTATION } from "../watch-hub.js";
import { nextBookmarkTime } from "./bookmark-schedule.js";
import type { CacheEvent, CacheListener, WatchCache } from "./watch-cache.js";
import { WakeSignal } from "../wake-signal.js";

export interface CacheWatchParams {
  key: string;
  recursive: boolean;
  predicate?: Predicate;
  /** The revision the client asked for (error messages). */
  requested: number;
  bookmarkIntervalMs?: number;
  /** The client allows bookmarks: kube's cacher schedule (bookmark-schedule.ts) and delivery rule. */
  clientBookmarks?: { frequencyMs: number; deadline?: number };
  bufferSize: number;
  /** Called when the watcher is ended for falling `bufferSize` events behind (kube's terminated_watchers_total). */
  onTerminated?: () => void;
}

const DONE: IteratorResult<WatchEvent> = { value: undefined, done: true };

export class CacheWatcher implements Watcher, CacheListener {
  /** Revision of the last event consumed from the window. */
  private cursor = 0;
  /** Window events after this revision were appended while registered (they count against the buffer). */
  private liveFrom = Infinity;
  private queued = 0;
  private lastQueued = 0;
  /** When ending: deliver up to this revision, then finish. */
  private limit = Infinity;
  private initial: WatchEvent[] = [];
  private initialPos = 0;
  private state: "pending" | "open" | "ending" | "stopped" = "pending";
  private error: unknown = undefined;
  private bookmarkDue = false;
  /**
   * The revision the client is known to be at once its watch started (the snapshot's, or
   * the last replayed event's): kube's cache_watcher.go `process` sends a bookmark only
   * when it is newer than that, so a quiet watch gets none.
   */
  private startRevision = 0;
  private clientBookmarkDue = false;
  private clientBookmarkTimer: NodeJS.Timeout | undefined;
  private readonly wake = new WakeSignal();
  private timer: NodeJS.Timeout | undefined;
  /** Push delivery: where events go, whether it asked for a pause, and whether it was told the end. */
  private sink: WatchSink | undefined;
  private paused = false;
  private pumping = false;
  private sinkEnded = false;
  /**
   * Pushed and idle: every event up to the cursor is delivered and nothing else is due, so
   * the next matching event from the cache goes straight to the sink, without the window.
   */
  private caughtUp = false;

  constructor(
    private readonly cache: WatchCache,
    private readonly p: CacheWatchParams,
  ) {}

  /**
   * Starts delivering window events after `from`; with `snapshot`, first the current
   * state (as ADDED) at the cache's revision, which becomes `from`.
   */
  begin(from: number, snapshot?: { initialEventsEnd: boolean }): void {
    if (this.state !== "pending") return;
    const c = this.cache;
    if (snapshot) {
      from = c.rev;
      for (const obj of this.stateObjects()) {
        if (!this.p.predicate || this.p.predicate(obj)) {
          this.initial.push({ type: "ADDED", object: obj, revision: Number(obj.metadata.resourceVersion) });
        }
      }
      if (snapshot.initialEventsEnd) this.initial.push(bookmark(from, true));
    }
    this.cursor = from;
    this.startRevision = from;
    this.liveFrom = c.rev;
    this.state = "open";
    c.watchers.add(this);
    if (this.p.bookmarkIntervalMs && this.p.bookmarkIntervalMs > 0) {
      this.timer = setInterval(() => {
        this.bookmarkDue = true;
        this.signal();
      }, this.p.bookmarkIntervalMs);
      this.timer.unref();
    }
    this.scheduleClientBookmark();
    this.signal();
  }

  /**
   * Arms the timer of the next client bookmark; each one re-arms it, as kube requeues the watcher
   * after dispatching. `sent` is when the bookmark just sent was due: a timer may fire a
   * millisecond before Date.now() reaches that time, and the pre-timeout bookmark would be
   * scheduled again.
   */
  private scheduleClientBookmark(sent = 0): void {
    const b = this.p.clientBookmarks;
    if (!b || !(b.frequencyMs > 0) || this.state !== "open") return;
    const now = Math.max(Date.now(), sent);
    const at = nextBookmarkTime(now, b.frequencyMs, b.deadline);
    if (at === undefined) return;
    this.clientBookmarkTimer = setTimeout(() => {
      this.clientBookmarkTimer = undefined;
      this.clientBookmarkDue = true;
      this.signal();
      this.scheduleClientBookmark(at);
    }, Math.min(at - now, 2 ** 31 - 1));
    this.clientBookmarkTimer.unref();
  }

  /** The watch cannot start (too old, too large, storage closed): next() rejects with it. */
  fail(err: unknown): void {
    if (this.state === "stopped") return;
    this.error = err;
    this.signal();
  }

  notify(ev: CacheEvent): void {
    if (this.state !== "open" || ev.revision <= this.cursor || !this.matches(ev.key)) return;
    if (this.caughtUp) {
      // The window in between held nothing for this watcher: this is its next event.
      this.cursor = ev.revision;
      const out = transform(ev, this.p.predicate);
      if (out && !this.sink!.push(out)) {
        this.paused = true;
        this.caughtUp = false;
      }
      return;
    }
    if (this.queued >= this.p.bufferSize) {
      // Too slow: keep what it had, stop counting, let it drain and end.
      this.limit = this.lastQueued;
      this.p.onTerminated?.();
      this.end();
      return;
    }
    this.queued++;
    this.lastQueued = ev.revision;
    if (this.sink ? !this.paused : this.wake.waiting) this.signal();
  }

  /**
   * Delivers to `sink` from now on: in the cache's dispatch, as long as the sink takes
   * events; after it asked for a pause, from the window again once it calls `resume`.
   */
  pushTo(sink: WatchSink): () => void {
    this.sink = sink;
    this.pump();
    return () => {
      this.paused = false;
      this.pump();
    };
  }

  /** Something to deliver may be there: push it, or wake the reader. */
  private signal(): void {
    if (this.sink) this.pump();
    else this.wake.notify();
  }

  private pump(): void {
    const sink = this.sink!;
    // A push that stops this watcher re-enters here: the running loop sees the new state.
    if (this.pumping || this.sinkEnded) return;
    this.pumping = true;
    this.caughtUp = false;
    try {
      while (!this.paused) {
        let next: WatchEvent | "idle" | "done";
        try {
          next = this.step();
        } catch (err) {
          this.sinkEnded = true;
          return sink.end(err);
        }
        if (next === "idle") {
          this.caughtUp = this.state === "open";
          return;
        }
        if (next === "done") {
          this.sinkEnded = true;
          return sink.end();
        }
        if (!sink.push(next)) this.paused = true;
      }
    } finally {
      this.pumping = false;
    }
  }

  terminate(): void {
    if (this.state === "stopped") return;
    this.limit = Math.min(this.limit, this.cache.rev);
    this.end();
  }

  stop(): void {
    this.state = "stopped";
    this.detach();
    this.initial = [];
    this.signal();
  }

  private end(): void {
    if (this.state === "stopped" || this.state === "ending") return;
    this.state = "ending";
    this.detach();
    this.signal();
  }

  private detach(): void {
    this.cache.watchers.delete(this);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.clientBookmarkTimer) clearTimeout(this.clientBookmarkTimer);
    this.clientBookmarkTimer = undefined;
  }

  private matches(key: string): boolean {
    return this.p.recursive ? key.startsWith(this.p.key) : key === this.p.key;
  }

  private stateObjects(): KubeObject[] {
    const c = this.cache;
    if (!this.p.recursive) {
      const obj = c.items.get(this.p.key);
      return obj ? [obj] : [];
    }
    const objects: KubeObject[] = [];
    c.keys.scan(this.p.key, undefined, (key) => {
      objects.push(c.items.get(key)!);
    });
    return objects;
  }


  private async next(): Promise<IteratorResult<WatchEvent>> {
    for (;;) {
      const next = this.step();
      if (next === "done") return DONE;
      if (next !== "idle") return { value: next, done: false };
      await this.wake.wait();
    }
  }

  /** What to deliver now: an event, "idle" (nothing yet), or "done"; throws the failure. */
  private step(): WatchEvent | "idle" | "done" {
    for (;;) {
      if (this.state === "stopped") return "done";
      if (this.error !== undefined) {
        const err = this.error;
        this.stop();
        throw err;
      }
      if (this.state === "pending") return "idle";
      if (this.initialPos < this.initial.length) {
        const ev = this.initial[this.initialPos++]!;
        if (this.initialPos === this.initial.length) {
          this.initial = [];
          this.initialPos = 0;
        }
        return ev;
      }
      const ev = this.fromWindow();
      if (ev === "gone") continue;
      if (ev) return ev;
      if (this.state === "ending") {
        this.stop();
        return "done";
      }
      if (this.bookmarkDue) {
        this.bookmarkDue = false;
        // Nothing undelivered up to the cache's revision: a truthful bookmark.
        this.cursor = Math.max(this.cursor, this.cache.rev);
        return bookmark(this.cursor);
      }
      if (this.clientBookmarkDue) {
        this.clientBookmarkDue = false;
        // As above, at the cache's latest revision (kube's lastProcessedResourceVersion).
        this.cursor = Math.max(this.cursor, this.cache.rev);
        if (this.cursor > this.startRevision) return bookmark(this.cursor);
        continue;
      }
      return "idle";
    }
  }

  /** The next event for this watcher from the window; "gone" after ending or failing it. */
  private fromWindow(): WatchEvent | "gone" | undefined {
    const c = this.cache;
    if (this.cursor < c.windowStart) {
      if (this.cursor < c.compactedRev) this.error = watchExpired(this.p.key, this.p.requested, c.compactedRev);
      else this.stop(); // fell out of the window: as slow as an overflow
      return "gone";
    }
    for (let i = c.firstAfter(this.cursor); ; i++) {
      const ce = c.eventAt(i);
      if (!ce) return undefined;
      if (ce.revision > this.limit) {
        this.stop();
        return "gone";
      }
      this.cursor = ce.revision;
      // kube's processInterval raises the start over every event it replays, matching or not
      if (ce.revision <= this.liveFrom) this.startRevision = Math.max(this.startRevision, ce.revision);
      if (!this.matches(ce.key)) continue;
      if (ce.revision > this.liveFrom && this.queued > 0) this.queued--;
      const out = transform(ce, this.p.predicate);
      if (out) return out;
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

export function bookmark(revision: number, initialEventsEnd = false): WatchEvent {
  const metadata: KubeObject["metadata"] = { resourceVersion: String(revision) };
  if (initialEventsEnd) metadata.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: "true" };
  return { type: "BOOKMARK", object: { metadata }, revision };
}

/**
 * etcd3/watcher.go `transform` semantics over a cached change: with a predicate, a
 * MODIFIED that starts matching is ADDED and one that stops matching is DELETED
 * (the last matching state stamped with the event's revision). Built once per event.
 */
function transform(ce: CacheEvent, pred: Predicate | undefined): WatchEvent | null {
  if (!pred) return ce.event;
  if (ce.type !== "MODIFIED") return pred(ce.object) ? ce.event : null;
  const now = pred(ce.object);
  const was = ce.prevObject ? pred(ce.prevObject) : false;
  if (now && was) return ce.event;
  if (now) return (ce.asAdded ??= { ...ce.event, type: "ADDED" });
  if (was) {
    const prev = ce.prevObject!;
    const object = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(ce.revision) } };
    return (ce.asDeleted ??= { type: "DELETED", object, revision: ce.revision, prevObject: prev });
  }
  return null;
}
