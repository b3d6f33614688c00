/**
 * The revisioned key-value contract every backend implements: memory.ts, sqlite.ts and
 * etcd/backend.ts. Everything Kubernetes-shaped (resourceVersion rules, preconditions,
 * guaranteed-update retries, paging with predicates, watch start points) lives once in
 * kv-store.ts on top of it, so every backend behaves alike.
 *
 * A method may answer synchronously (memory, SQLite) or with a promise (etcd). The store
 * awaits each call once and reads rows in batches, so a synchronous backend pays one
 * microtask per batch, never one per row.
 */
import type { RawEvent } from "./change.js";
import type { KubeObject } from "./interface.js";
import type { WatchHub } from "./watch-hub.js";

export type { RawEvent } from "./change.js";

export type MaybePromise<T> = T | Promise<T>;

/** A live value of a key: its JSON (without resourceVersion) and the revision that wrote it. */
export interface Row {
  key: string;
  revision: number;
  value: string;
}

/** A compare-and-swap write: applied only if the key's live revision equals `expect` (0: absent). */
export interface WriteOp {
  key: string;
  /** New JSON value, or null to delete. */
  value: string | null;
  expect: number;
  /**
   * The value the writer read at revision `expect`, if it holds it: a revision's value never
   * changes, so a backend whose CAS matched may report it as the previous value unread.
   */
  expectedValue?: string;
  /**
   * The object `value` encodes (its resourceVersion aside), handed over by the writer: a backend
   * that publishes its commits in-process gives watchers and the writer this object, stamped with
   * the revision, instead of parsing `value` again.
   */
  object?: KubeObject;
}

export type WriteResult =
  /** `object`: the written object as stored, when the backend made it from the op's. */
  | { ok: true; revision: number; object?: KubeObject }
  /**
   * The CAS failed: the key's live row (undefined: absent) and the revision it was seen at,
   * so a retry needs no second read (etcd's failed txn returns them in the same round trip).
   */
  | { ok: false; current: Row | undefined; revision: number };

/** Which keys a history read covers: one key, or every key under a prefix. */
export interface KeyRange {
  key: string;
  recursive: boolean;
}

/** Pulls the next batch of changes; an empty batch ends them. */
export type ChangeSource = () => MaybePromise<RawEvent[]>;

/** A read below the compacted revision: that history is gone. */
export class RevisionCompacted extends Error {
  constructor(readonly compacted: number) {
    super(`revision compacted at ${compacted}`);
  }
}

/** A read at a revision the backend has not reached. */
export class FutureRevision extends Error {
  constructor(readonly current: number) {
    super(`revision is beyond the current ${current}`);
  }
}

export interface Backend {
  /**
   * Fans this backend's commits out to watchers, in revision order; its revision is that of
   * the newest change published. Memory and SQLite publish synchronously inside the commit,
   * before the write resolves; etcd publishes from its watch feed.
   */
  readonly hub: WatchHub;
  /** Revision of the latest committed write (1 for an empty store, like etcd). */
  currentRevision(): MaybePromise<number>;
  /** The newest compacted revision this backend knows of: reads and history below it are gone. */
  compactedRevision(): number;
  /**
   * Live row of `key` at `revision` (latest when undefined) and the revision read at.
   * Throws RevisionCompacted or FutureRevision for a revision it cannot read.
   */
  get(key: string, revision?: number): MaybePromise<{ row: Row | undefined; revision: number }>;
  /** Up to `limit` live rows under `prefix` at `revision` (latest when undefined), keys > `after`, in key order. */
  range(prefix: string, revision: number | undefined, after: string | undefined, limit: number): MaybePromise<{ rows: Row[]; revision: number }>;
  /** Number of live keys under `prefix` at `revision` (latest when undefined) with keys > `after`. */
  count(prefix: string, revision: number | undefined, after: string | undefined): MaybePromise<number>;
  /** Changes to `range` with `from` < revision <= `upto`, in revision order; a batch throws RevisionCompacted once history before it is gone. */
  history(range: KeyRange, from: number, upto: number): ChangeSource;
  /** Applies a CAS write; the hub has published its event before the promise resolves (memory, SQLite). */
  write(op: WriteOp): Promise<WriteResult>;
  /** Resolves with the current revision once it reaches `revision`, or with the lower one it had after `timeoutMs`. */
  waitForRevision(revision: number, timeoutMs: number): Promise<number>;
  /** Forgets history before `revision` (not above the current revision). */
  compact(revision: number): MaybePromise<void>;
  /**
   * The live revision of `key`, only where that costs no I/O (memory, SQLite): absent on
   * etcd, so a GET never pays a round trip for it.
   */
  revisionOf?(key: string): number | undefined;
  /** Stops the hub and releases the backend. */
  close(): MaybePromise<void>;
}

/** Rows per history batch of the local backends. */
const HISTORY_BATCH = 500;

/** A backend that holds its history locally (memory, SQLite) and reads it synchronously. */
export interface LocalHistory {
  compactedRevision(): number;
  /** Changes to `range` with afterRev < revision <= uptoRev in revision order, at most `limit`. */
  changes(range: KeyRange, afterRev: number, uptoRev: number, limit: number): RawEvent[];
}

/** Backend.history over LocalHistory: batches, failing once compaction passes the last revision handed out. */
export function localHistory(backend: LocalHistory, range: KeyRange, from: number, upto: number): ChangeSource {
  let after = from;
  return () => {
    const compacted = backend.compactedRevision();
    if (after < compacted) throw new RevisionCompacted(compacted);
    const events = backend.changes(range, after, upto, HISTORY_BATCH);
    if (events.length > 0) after = events[events.length - 1]!.revision;
    return events;
  };
}

/**
 * For backends that know both bounds locally: the revision a read at `revision` (latest when
 * undefined) sees, or RevisionCompacted / FutureRevision.
 */
export function readableRevision(revision: number | undefined, current: number, compacted: number): number {
  if (revision === undefined) return current;
  if (revision < compacted) throw new RevisionCompacted(compacted);
  if (revision > current) throw new FutureRevision(current);
  return revision;
}
