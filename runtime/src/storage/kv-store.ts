/**
 * The Storage implementation shared by every backend: Kubernetes semantics
 * (resourceVersion rules, preconditions, guaranteed-update retries, paging with
 * predicates, watch start points) over the small CAS contract of backend.ts.
 */
import type { Backend, CommitListener, RawEvent } from "./backend.js";
import { checkPreconditions, decode, encode } from "./codec.js";
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
import { WatchHub, type BacklogItem, type HubWatchParams } from "./watch-hub.js";

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

/** Rows fetched per backend call when replaying or paging internally. */
const BATCH = 500;

export class KVStore implements Storage {
  readonly hub: WatchHub;
  private readonly backend: Backend;
  private readonly waitMs: number;
  private compactTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(makeBackend: (onCommit: CommitListener) => Backend, opts: StoreOptions = {}) {
    // The backend publishes synchronously after each commit, so a watch registered
    // in the same tick as it reads history can never miss or repeat an event.
    let hub: WatchHub | undefined;
    this.backend = makeBackend((events: RawEvent[]) => hub!.publish(events));
    hub = new WatchHub(this.backend.currentRevision(), opts.watchBufferSize);
    this.hub = hub;
    this.waitMs = opts.waitForRevisionMs ?? 3000;
    if (opts.compaction) this.startCompaction(opts.compaction);
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    this.checkOpen(key);
    const value = encode(obj);
    const res = await this.backend.write({ key, value, expect: 0 });
    if (!res.ok) throw keyExists(key, res.current);
    return decode(value, res.revision);
  }

  async revisionOf(key: string): Promise<number | undefined> {
    this.checkOpen(key);
    return this.backend.get(key)?.revision;
  }

  async get(key: string, opts?: { revision?: number }): Promise<KubeObject> {
    this.checkOpen(key);
    // A get's resourceVersion means "not older than": wait briefly for it, then 504-style error.
    if (opts?.revision && opts.revision > this.backend.currentRevision()) await this.waitFor(key, opts.revision);
    const row = this.backend.get(key);
    if (!row) throw keyNotFound(key, this.backend.currentRevision());
    return decode(row.value, row.revision);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen(prefix);
    const paging = opts.continueAfter !== undefined;
    let rev = this.backend.currentRevision();
    if (opts.revision && opts.revision > 0) {
      if (opts.exact || paging) {
        const compacted = this.backend.compactedRevision();
        if (opts.revision < compacted) throw listExpired(paging ? opts.continueAfter! : prefix, compacted, paging);
        if (opts.revision > rev) throw tooLargeResourceVersion(prefix, opts.revision, rev);
        rev = opts.revision;
      } else {
        if (opts.revision > rev) await this.waitFor(prefix, opts.revision);
        rev = this.backend.currentRevision();
      }
    }
    const pred = opts.predicate;
    if (opts.recursive === false) {
      const row = this.backend.get(prefix, rev);
      const obj = row && decode(row.value, row.revision);
      return { items: obj && (!pred || pred(obj)) ? [obj] : [], revision: rev };
    }
    const dir = prefix.endsWith("/") ? prefix : prefix + "/";
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: KubeObject[] = [];
    let after = opts.continueAfter;
    let more = false;
    // Scan in batches until the page is full; one extra row tells whether more follow.
    outer: for (;;) {
      const want = limit ? limit - items.length + 1 : BATCH;
      const batch = pred ? Math.max(want, BATCH) : want;
      const rows = this.backend.range(dir, rev, after, batch);
      for (const row of rows) {
        if (limit && items.length >= limit) {
          more = true;
          break outer;
        }
        after = row.key;
        const obj = decode(row.value, row.revision);
        if (!pred || pred(obj)) items.push(obj);
      }
      if (rows.length < batch) break;
    }
    const result: ListResult = { items, revision: rev };
    if (more) {
      result.continueKey = after;
      if (!pred) result.remainingItemCount = this.backend.countRange(dir, rev, after);
    }
    return result;
  }

  async guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunc,
    opts: { preconditions?: Preconditions; ignoreNotFound?: boolean } = {},
  ): Promise<KubeObject> {
    this.checkOpen(key);
    for (;;) {
      const row = this.backend.get(key);
      if (!row && !opts.ignoreNotFound) throw keyNotFound(key, this.backend.currentRevision());
      const current: KubeObject = row ? decode(row.value, row.revision) : { metadata: {} };
      checkPreconditions(key, opts.preconditions, current);
      const value = encode(await tryUpdate(current));
      // Like etcd3's store: an update that changes nothing writes nothing and keeps the revision.
      if (row && value === row.value) return decode(row.value, row.revision);
      const res = await this.backend.write({ key, value, expect: row?.revision ?? 0 });
      if (res.ok) return decode(value, res.revision);
      // Someone wrote in between: re-read and call tryUpdate again on the fresh object.
    }
  }

  async delete(
    key: string,
    opts: { preconditions?: Preconditions; validateDeletion?: (current: KubeObject) => void | Promise<void> } = {},
  ): Promise<KubeObject> {
    this.checkOpen(key);
    for (;;) {
      const row = this.backend.get(key);
      if (!row) throw keyNotFound(key, this.backend.currentRevision());
      const current = decode(row.value, row.revision);
      checkPreconditions(key, opts.preconditions, current);
      if (opts.validateDeletion) await opts.validateDeletion(current);
      const res = await this.backend.write({ key, value: null, expect: row.revision });
      // The last state, stamped with the deletion's revision (as etcd3's conditionalDelete returns).
      if (res.ok) return decode(row.value, res.revision);
    }
  }

  watch(key: string, opts: WatchOptions): Watcher {
    this.checkOpen(key);
    const recursive = opts.recursive;
    const k = recursive && !key.endsWith("/") ? key + "/" : key;
    const current = this.backend.currentRevision();
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
    return this.hub.watch(params);
  }

  /** Synthetic ADDED for the state at the start revision, then (for watch-list) the end bookmark. */
  private initialStateBacklog(
    key: string,
    k: string,
    recursive: boolean,
    opts: WatchOptions,
    params: HubWatchParams,
  ): () => Promise<BacklogItem[]> {
    let at = params.liveAfter;
    let after: string | undefined;
    let started = false;
    let finished = false;
    return async () => {
      if (finished || this.closed) return [];
      if (!started) {
        started = true;
        // Not older than the requested revision: wait for it, then snapshot the newest state.
        if (opts.revision > at) {
          await this.waitFor(key, opts.revision);
          at = params.liveAfter = this.backend.currentRevision();
        }
        if (this.closed) return [];
      }
      const compacted = this.backend.compactedRevision();
      if (at < compacted) throw watchExpired(key, at, compacted);
      const rows = recursive
        ? this.backend.range(k, at, after, BATCH)
        : [this.backend.get(k, at)].filter((r) => r !== undefined);
      const items: BacklogItem[] = rows.map((r) => ({ kind: "initial", key: r.key, value: r.value, revision: r.revision }));
      if (rows.length > 0) after = rows[rows.length - 1]!.key;
      if (!recursive || rows.length < BATCH) {
        finished = true;
        if (opts.sendInitialEvents) items.push({ kind: "bookmark", revision: at, initialEventsEnd: true });
      }
      return items;
    };
  }

  /** History after `from` up to `upto` (the revision live delivery starts after), in batches. */
  private replayBacklog(
    key: string,
    k: string,
    recursive: boolean,
    from: number,
    upto: number,
  ): () => BacklogItem[] {
    let after = from;
    return () => {
      if (this.closed) return [];
      const compacted = this.backend.compactedRevision();
      if (after < compacted) throw watchExpired(key, from, compacted);
      const events = this.backend.history({ key: k, recursive }, after, upto, BATCH);
      if (events.length > 0) after = events[events.length - 1]!.revision;
      return events.map((event) => ({ kind: "change", event }));
    };
  }

  async currentRevision(): Promise<number> {
    return this.backend.currentRevision();
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen("");
    const target = Math.min(revision, this.backend.currentRevision());
    if (target > this.backend.compactedRevision()) this.backend.compact(target);
  }

  async compactedRevision(): Promise<number> {
    return this.backend.compactedRevision();
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen(prefix);
    const dir = prefix.endsWith("/") ? prefix : prefix + "/";
    return this.backend.countRange(dir, this.backend.currentRevision(), undefined);
  }

  /** Compacts every `compactionIntervalMs`, keeping the last `retainRevisions` revisions readable. */
  startCompaction(opts: CompactionOptions): void {
    this.stopCompaction();
    this.compactTimer = setInterval(() => {
      const target = this.backend.currentRevision() - opts.retainRevisions;
      if (target > this.backend.compactedRevision()) this.backend.compact(target);
    }, opts.compactionIntervalMs);
    this.compactTimer.unref();
  }

  stopCompaction(): void {
    if (this.compactTimer) clearInterval(this.compactTimer);
    this.compactTimer = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopCompaction();
    this.hub.stop();
    this.backend.close();
  }

  private async waitFor(key: string, revision: number): Promise<void> {
    if (!(await this.hub.waitForRevision(revision, this.waitMs))) {
      throw tooLargeResourceVersion(key, revision, this.backend.currentRevision());
    }
  }

  private checkOpen(key: string): void {
    if (this.closed) throw new StorageError("Unreachable", key, "storage is closed");
  }
}
