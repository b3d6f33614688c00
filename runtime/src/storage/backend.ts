/**
 * The small revisioned key-value contract each backend (memory, SQLite) implements.
 * Everything Kubernetes-shaped (preconditions, retries, paging with predicates,
 * watch semantics) lives once in kv-store.ts on top of it, so both backends behave alike.
 */

/** A live value of a key: its JSON (without resourceVersion) and the revision that wrote it. */
export interface Row {
  key: string;
  revision: number;
  value: string;
}

/**
 * One committed change, as kept in history and fanned out to watchers.
 * `value` null means a deletion; `prevValue` null means a creation.
 */
export interface RawEvent {
  revision: number;
  key: string;
  value: string | null;
  prevValue: string | null;
  prevRevision: number;
}

/** A compare-and-swap write: applied only if the key's live revision equals `expect` (0: absent). */
export interface WriteOp {
  key: string;
  /** New JSON value, or null to delete. */
  value: string | null;
  expect: number;
}

export type WriteResult =
  | { ok: true; revision: number }
  /** The CAS failed: `current` is the key's live revision (0: absent). */
  | { ok: false; current: number };

/** Which keys a scan or a history read covers: one key, or every key under a prefix. */
export interface KeyRange {
  key: string;
  recursive: boolean;
}

export interface Backend {
  /** Revision of the latest committed write (1 for an empty store, like etcd). */
  currentRevision(): number;
  /** Revisions at or below this (except this one's state) are forgotten. */
  compactedRevision(): number;
  /** Live value of `key` at `revision` (latest when omitted). */
  get(key: string, revision?: number): Row | undefined;
  /** Up to `limit` live rows under `prefix` at `revision`, keys > `after`, in key order. */
  range(prefix: string, revision: number, after: string | undefined, limit: number): Row[];
  /** Number of live keys under `prefix` at `revision` with keys > `after`. */
  countRange(prefix: string, revision: number, after: string | undefined): number;
  /** Changes with afterRev < revision <= uptoRev in revision order, at most `limit`. */
  history(range: KeyRange, afterRev: number, uptoRev: number, limit: number): RawEvent[];
  /** Applies a CAS write; `onCommit` must have seen its event before the promise resolves. */
  write(op: WriteOp): Promise<WriteResult>;
  compact(revision: number): void;
  close(): void;
}

/** Backends call this synchronously right after a commit, in revision order. */
export type CommitListener = (events: RawEvent[]) => void;
