/**
 * The Storage implementation shared by every backend (memory, SQLite, etcd): Kubernetes
 * semantics (resourceVersion rules, preconditions, guaranteed-update retries, paging with
 * predicates, watch start points, 410 and TooLargeResourceVersion errors) over the CAS
 * contract of backend.ts, as k8s.io/apiserver's etcd3 store is over etcd.
 */
import { FutureRevision, RevisionCompacted, type Backend, type Row } from "./backend.js";
import { asStored, checkPreconditions, decode, encode } from "./codec.js";
import { keyExists, keyNotFound, listExpired, tooLargeResourceVersion, watchExpired } from "./errors.js";
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
} from "./interface.js";
import type { BacklogItem, BacklogSource, HubWatchParams, WatchHub } from "./watch-hub.js";

export interface StoreOptions {
  /** How long a not-older-than read waits for a future revision before TooLargeResourceVersion (ms). */
  waitForRevisionMs?: number;
  /** Live events a watcher may have queued before it is ended as too slow. */
  watchBufferSize?: number;
  /** Start periodic compaction keeping the last `retainRevisions` revisions (false: none). */
  compaction?: CompactionOptions | false;
}

/**
 * What `createStorage` uses unless told otherwise: like kube-apiserver's 5-minute
 * `--etcd-compaction-interval`, with a revision window so watches can resume after a
 * reconnect and memory/disk stay bounded.
 */
export const DEFAULT_COMPACTION: CompactionOptions = { compactionIntervalMs: 5 * 60_000, retainRevisions: 10_000 };

export interface CompactionOptions {
  compactionIntervalMs: number;
  retainRevisions: number;
}

/** Rows fetched per backend call when paging internally or sending initial state. */
const BATCH = 500;

export class KVStore implements Storage {
  /** Present only where the backend answers it without I/O (see Backend.revisionOf). */
  readonly revisionOf?: (key: string) => Promise<number | undefined>;
  private readonly waitMs: number;
  private compactTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly backend: Backend,
    opts: StoreOptions = {},
  ) {
    this.waitMs = opts.waitForRevisionMs ?? 3000;
    if (backend.revisionOf) {
      const peek = backend.revisionOf.bind(backend);
      this.revisionOf = async (key) => {
        this.checkOpen(key);
        return peek(key);
      };
    }
    if (opts.compaction) this.startCompaction(opts.compaction);
  }

  /** The backend's watch fan-out (tests read `hub.watcherCount`). */
  get hub(): WatchHub {
    return this.backend.hub;
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    this.checkOpen(key);
    const value = encode(obj);
    const res = await this.backend.write({ key, value, expect: 0, object: obj });
    if (!res.ok) throw keyExists(key, res.current?.revision ?? res.revision);
    return res.object ?? asStored(obj, value, res.revision);
  }

  async get(key: string, opts?: { revision?: number }): Promise<KubeObject> {
    this.checkOpen(key);
    // A get's resourceVersion means "not older than": wait briefly for it, then 504-style error.
    if (opts?.revision) await this.waitFor(key, opts.revision);
    const { row, revision } = await this.backend.get(key);
    if (!row) throw keyNotFound(key, revision);
    return decode(row.value, row.revision);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen(prefix);
    const paging = opts.continueAfter !== undefined;
    // A 410 on a continued list names the continue key, so the registry can hand out a fresh token.
    const expiredKey = paging ? opts.continueAfter! : prefix;
    let rev: number | undefined; // undefined: the latest, as the first read sees it
    if (opts.revision && opts.revision > 0) {
      if (opts.exact || paging) {
        const compacted = this.backend.compactedRevision();
        if (opts.revision < compacted) throw listExpired(expiredKey, compacted, paging);
        rev = opts.revision;
      } else await this.waitFor(prefix, opts.revision);
    }
    try {
      return await this.listAt(prefix, rev, opts);
    } catch (err) {
      if (err instanceof RevisionCompacted) throw listExpired(expiredKey, err.compacted, paging);
      if (err instanceof FutureRevision) throw tooLargeResourceVersion(prefix, rev!, err.current);
      throw err;
    }
  }

  private async listAt(prefix: string, rev: number | undefined, opts: ListOptions): Promise<ListResult> {
    const pred = opts.predicate;
    if (opts.recursive === false) {
      const { row, revision } = await this.backend.get(prefix, rev);
      const obj = row && decode(row.value, row.revision);
      return { items: obj && (!pred || pred(obj)) ? [obj] : [], revision };
    }
    const dir = prefix.endsWith("/") ? prefix : prefix + "/";
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: KubeObject[] = [];
    let after = opts.continueAfter;
    let more = false;
    // Scan in batches at one revision (the first read's) until the page is full; one extra row tells whether more follow.
    outer: for (;;) {
      const want = limit ? limit - items.length + 1 : BATCH;
      const batch = pred ? Math.max(want, BATCH) : want;
      const page = await this.backend.range(dir, rev, after, batch);
      rev = page.revision;
      for (const row of page.rows) {
        if (limit && items.length >= limit) {
          more = true;
          break outer;
        }
        after = row.key;
        const obj = decode(row.value, row.revision);
        if (!pred || pred(obj)) items.push(obj);
      }
      if (page.rows.length < batch) break;
    }
    const result: ListResult = { items, revision: rev! };
    if (more) {
      result.continueKey = after;
      if (!pred) result.remainingItemCount = await this.backend.count(dir, rev, after);
    }
    return result;
  }

  async guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunc,
    opts: { preconditions?: Preconditions; ignoreNotFound?: boolean } = {},
  ): Promise<KubeObject> {
    this.checkOpen(key);
    let { row, revision } = await this.backend.get(key);
    for (;;) {
      if (!row && !opts.ignoreNotFound) throw keyNotFound(key, revision);
      const current: KubeObject = row ? decode(row.value, row.revision) : { metadata: {} };
      checkPreconditions(key, opts.preconditions, current);
      const next = await tryUpdate(current);
      const value = encode(next);
      // Like etcd3's store: an update that changes nothing writes nothing and keeps the revision.
      if (row && value === row.value) return asStored(next, value, row.revision);
      const res = await this.backend.write(row ? { key, value, expect: row.revision, expectedValue: row.value, object: next } : { key, value, expect: 0, object: next });
      if (res.ok) return res.object ?? asStored(next, value, res.revision);
      // Someone wrote in between: call tryUpdate again on the fresh state the failed write returned.
      ({ current: row, revision } = res);
    }
  }

  async delete(
    key: string,
    opts: { preconditions?: Preconditions; validateDeletion?: (current: KubeObject) => void | Promise<void> } = {},
  ): Promise<KubeObject> {
    this.checkOpen(key);
    let { row, revision } = await this.backend.get(key);
    for (;;) {
      if (!row) throw keyNotFound(key, revision);
      const current = decode(row.value, row.revision);
      checkPreconditions(key, opts.preconditions, current);
      if (opts.validateDeletion) await opts.validateDeletion(current);
      const res = await this.backend.write({ key, value: null, expect: row.revision, expectedValue: row.value });
      // The last state, stamped with the deletion's revision (as etcd3's conditionalDelete returns):
      // the object just read, not a second parse of its value.
      if (res.ok) return asStored(current, row.value, res.revision);
      ({ current: row, revision } = res);
    }
  }

  watch(key: string, opts: WatchOptions): Watcher {
    this.checkOpen(key);
    const recursive = opts.recursive;
    const k = recursive && !key.endsWith("/") ? key + "/" : key;
    const hub = this.backend.hub;
    const current = hub.revision;
    const params: HubWatchParams = {
      key: k,
      recursive,
      predicate: opts.predicate,
      liveAfter: current,
      bookmarkIntervalMs: opts.bookmarkIntervalMs,
    };
    if (opts.revision === 0 || opts.sendInitialEvents) {
      params.backlog = this.initialStateBacklog(key, k, recursive, opts, params);
    } else {
      const compacted = this.backend.compactedRevision();
      if (opts.revision < compacted) throw watchExpired(key, opts.revision, compacted);
      if (opts.revision >= current) params.liveAfter = opts.revision;
      else params.backlog = this.replayBacklog(key, k, recursive, opts.revision, current);
    }
    // Registered in the same tick as `current` was read: live events are exactly those after it.
    return hub.watch(params);
  }

  /** Synthetic ADDED for the state at the start revision, then (for watch-list) the end bookmark. */
  private initialStateBacklog(
    key: string,
    k: string,
    recursive: boolean,
    opts: WatchOptions,
    params: HubWatchParams,
  ): BacklogSource {
    let after: string | undefined;
    let started = false;
    let finished = false;
    return async () => {
      if (finished || this.closed) return [];
      if (!started) {
        started = true;
        if (opts.revision > params.liveAfter) {
          // Not older than the requested revision: once the store has reached it (on etcd, writes
          // outside this store's root may take it past the feed), a snapshot at it is consistent.
          await this.waitFor(key, opts.revision);
          params.liveAfter = Math.max(this.backend.hub.revision, opts.revision);
        }
        if (this.closed) return [];
      }
      const at = params.liveAfter;
      const compacted = this.backend.compactedRevision();
      if (at < compacted) throw watchExpired(key, at, compacted);
      let rows: Row[];
      try {
        if (recursive) rows = (await this.backend.range(k, at, after, BATCH)).rows;
        else {
          const { row } = await this.backend.get(k, at);
          rows = row ? [row] : [];
        }
      } catch (err) {
        throw err instanceof RevisionCompacted ? watchExpired(key, at, err.compacted) : err;
      }
      const items: BacklogItem[] = rows.map((r) => ({ kind: "initial", key: r.key, value: r.value, revision: r.revision }));
      if (rows.length > 0) after = rows[rows.length - 1]!.key;
      if (!recursive || rows.length < BATCH) {
        finished = true;
        if (opts.sendInitialEvents) items.push({ kind: "bookmark", revision: at, initialEventsEnd: true });
      }
      return items;
    };
  }

  /** History after `from` up to `upto` (the revision live delivery starts after). */
  private replayBacklog(key: string, k: string, recursive: boolean, from: number, upto: number): BacklogSource {
    const changes = this.backend.history({ key: k, recursive }, from, upto);
    return async () => {
      if (this.closed) return [];
      try {
        return (await changes()).map((event) => ({ kind: "change", event }));
      } catch (err) {
        throw err instanceof RevisionCompacted ? watchExpired(key, from, err.compacted) : err;
      }
    };
  }

  async currentRevision(): Promise<number> {
    return this.backend.currentRevision();
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen("");
    await this.compactTo(Math.min(revision, await this.backend.currentRevision()));
  }

  async compactedRevision(): Promise<number> {
    return this.backend.compactedRevision();
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen(prefix);
    const dir = prefix.endsWith("/") ? prefix : prefix + "/";
    return this.backend.count(dir, undefined, undefined);
  }

  /**
   * Compacts every `compactionIntervalMs` keeping the last `retainRevisions` revisions readable,
   * like kube-apiserver's compactor. Every etcd replica may run it: an already-compacted revision is done.
   */
  startCompaction(opts: CompactionOptions): void {
    this.stopCompaction();
    let running = false;
    const timer = setInterval(() => {
      // One compaction at a time; a slow backend must not pile up ticks.
      if (running || this.closed) return;
      running = true;
      void (async () => {
        const target = (await this.backend.currentRevision()) - opts.retainRevisions;
        // Stopped while the revision was read (it may count writes made since): compact nothing more.
        if (this.compactTimer === timer) await this.compactTo(target);
      })()
        .catch(() => undefined)
        .finally(() => (running = false));
    }, opts.compactionIntervalMs);
    timer.unref();
    this.compactTimer = timer;
  }

  stopCompaction(): void {
    if (this.compactTimer) clearInterval(this.compactTimer);
    this.compactTimer = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopCompaction();
    await this.backend.close();
  }

  private async compactTo(target: number): Promise<void> {
    if (target > this.backend.compactedRevision()) await this.backend.compact(target);
  }

  /** Not older than `revision`: waits briefly for the store to reach it, else TooLargeResourceVersion. */
  private async waitFor(key: string, revision: number): Promise<void> {
    if (revision <= this.backend.hub.revision) return;
    const reached = await this.backend.waitForRevision(revision, this.waitMs);
    if (reached < revision) throw tooLargeResourceVersion(key, revision, reached);
  }

  private checkOpen(key: string): void {
    if (this.closed) throw new StorageError("Unreachable", key, "storage is closed");
  }
}
