/**
 * SQLite backend in the style of kine: one append-only table whose AUTOINCREMENT id is
 * the revision. Every write appends a row (a delete appends a tombstone carrying the
 * last value); the state at revision R is the latest row per key with id <= R.
 *
 * Durability and group commit: a write's promise resolves only after its transaction is
 * on disk (wal-sync.ts flushes the WAL after each commit: synchronous=FULL's guarantee).
 * The writes queued in one event-loop turn, or while a flush runs, share one transaction
 * and one flush, each still a compare-and-swap on the key's latest row with its own
 * revision. Where the flush waits depends on the transaction: a lone write's flush runs
 * on libuv's thread pool, so the event loop goes on serving (and fanning out watch events)
 * while the disk works; a transaction of several writes, whose writers are queueing, waits
 * on the event loop, so the requests that arrive meanwhile are all read in the next turn
 * and share the next transaction. Until its flush ends a transaction is invisible outside
 * the writer: reads, revisions and watchers (fed by the in-process hub) see only what is
 * on disk.
 */
import Database from "better-sqlite3";
import { mkdirSync, realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { localHistory, readableRevision, type Backend, type LocalHistory, type ChangeSource, type KeyRange, type RawEvent, type Row, type WriteOp, type WriteResult } from "./backend.js";
import { asStored, prefixEnd } from "./codec.js";
import { KVStore, type StoreOptions } from "./kv-store.js";
import { WalSync } from "./wal-sync.js";
import { WatchHub } from "./watch-hub.js";

/** kine's bookkeeping row: its prev_revision holds the compacted revision. Real keys start with "/". */
const COMPACT_KEY = "compact_rev_key";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id);
`;

/** The row that is the state of kv.name at @rev (correlated so LIMIT stops the scan early). */
const IS_STATE_AT_REV = `kv.id = (SELECT MAX(k2.id) FROM kv AS k2 WHERE k2.name = kv.name AND k2.id <= @rev)`;

interface Pending {
  op: WriteOp;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

interface LatestRow {
  id: number;
  deleted: number;
  value: string;
}

export class SqliteBackend implements Backend, LocalHistory {
  private readonly db: Database.Database;
  /** The newest revision on disk: what reads, watchers and currentRevision see. */
  private rev: number;
  /** Flushes the WAL; absent for an in-memory database, whose commits are final at once. */
  private readonly walSync: WalSync | undefined;
  /** The flush of the last transaction while it runs off the event loop: writes queue for the next one. */
  private flushing: Promise<void> | undefined;
  /** Set when a flush failed: what is on disk is unknown, so no write is acknowledged again. */
  private broken: Error | undefined;
  private compacted: number;
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly stmt;
  private readonly applyBatch: (ops: WriteOp[], events: RawEvent[]) => WriteResult[];
  readonly hub: WatchHub;

  private readonly path: string;

  constructor(path: string, watchBufferSize?: number) {
    if (path !== ":memory:" && path !== "") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.path = resolve(path);
    // One process owns the file: revisions and watch fan-out live in this process, so a
    // second writer would go unseen. EXCLUSIVE makes a second opener fail instead.
    this.db.pragma("locking_mode = EXCLUSIVE");
    try {
      this.db.pragma("journal_mode = WAL");
      this.db.exec(SCHEMA);
    } catch (err) {
      this.db.close();
      if ((err as { code?: string }).code?.startsWith("SQLITE_BUSY")) {
        throw new Error(`sqlite storage ${path} is in use by another process`, { cause: err });
      }
      throw err;
    }
    // NORMAL: a commit leaves the WAL unsynced and walSync flushes it before any write is
    // acknowledged (FULL's guarantee), on or off the event loop as the transaction suits.
    this.db.pragma("synchronous = NORMAL");
    // SQLite names the WAL after the database file with symbolic links resolved.
    this.walSync = this.db.memory ? undefined : new WalSync(`${realpathSync(this.path)}-wal`);
    if (path !== ":memory:" && path !== "") openBackends.set(this.path, this);
    this.db
      .prepare(
        `INSERT INTO kv (name, created, deleted, prev_revision, value)
         SELECT ?, 1, 0, 0, '' WHERE NOT EXISTS (SELECT 1 FROM kv WHERE name = ?)`,
      )
      .run(COMPACT_KEY, COMPACT_KEY);
    const db = this.db;
    this.stmt = {
      latestRevision: db.prepare<[string], { id: number; deleted: number }>(`SELECT id, deleted FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1`),
      // The revision alone: a GET answered from cached bytes need not read the value.
      revisionAt: db.prepare<[string, number], { id: number; deleted: number }>(
        `SELECT id, deleted FROM kv WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`,
      ),
      valueOf: db.prepare<[number], { value: string }>(`SELECT value FROM kv WHERE id = ?`),
      at: db.prepare<[string, number], LatestRow>(
        `SELECT id, deleted, value FROM kv WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`,
      ),
      insert: db.prepare(`INSERT INTO kv (name, created, deleted, prev_revision, value) VALUES (?, ?, ?, ?, ?)`),
      range: db.prepare<Record<string, unknown>, { id: number; name: string; value: string }>(
        `SELECT kv.id, kv.name, kv.value FROM kv
         WHERE kv.name >= @lo AND kv.name < @hi AND kv.name > @after AND kv.deleted = 0 AND ${IS_STATE_AT_REV}
         ORDER BY kv.name LIMIT @limit`,
      ),
      count: db.prepare<Record<string, unknown>, { n: number }>(
        `SELECT COUNT(*) AS n FROM kv
         WHERE kv.name >= @lo AND kv.name < @hi AND kv.name > @after AND kv.deleted = 0 AND ${IS_STATE_AT_REV}`,
      ),
      history: db.prepare<
        Record<string, unknown>,
        { id: number; name: string; created: number; deleted: number; prev_revision: number; value: string; prev_value: string | null }
      >(
        `SELECT kv.id, kv.name, kv.created, kv.deleted, kv.prev_revision, kv.value, p.value AS prev_value
         FROM kv LEFT JOIN kv AS p ON p.id = kv.prev_revision
         WHERE kv.id > @after AND kv.id <= @upto AND kv.name >= @lo AND kv.name < @hi
         ORDER BY kv.id LIMIT @limit`,
      ),
      seq: db.prepare<[], { seq: number }>(`SELECT seq FROM sqlite_sequence WHERE name = 'kv'`),
      compactedRev: db.prepare<[string], { prev_revision: number }>(`SELECT prev_revision FROM kv WHERE name = ?`),
      // Drop rows at or before @rev that are superseded by the state at @rev, and tombstones
      // at or before it; the state at @rev stays (it is the prev value of later updates).
      compact: db.prepare(
        `DELETE FROM kv WHERE id <= @rev AND name != '${COMPACT_KEY}' AND (deleted = 1 OR ${IS_STATE_AT_REV.replace("kv.id =", "kv.id <")})`,
      ),
      setCompacted: db.prepare(`UPDATE kv SET prev_revision = ? WHERE name = ?`),
    };
    this.rev = this.stmt.seq.get()?.seq ?? 0;
    this.compacted = this.stmt.compactedRev.get(COMPACT_KEY)?.prev_revision ?? 0;
    this.hub = new WatchHub(this.rev, watchBufferSize);
    this.applyBatch = db.transaction((ops: WriteOp[], events: RawEvent[]) => ops.map((op) => this.apply(op, events)));
  }

  currentRevision(): number {
    return this.rev;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  get(key: string, revision?: number): { row: Row | undefined; revision: number } {
    const at = readableRevision(revision, this.rev, this.compacted);
    // The latest row may belong to a transaction whose flush is still running: read at the flushed revision.
    const r = this.stmt.at.get(key, revision ?? this.rev);
    return { row: r && !r.deleted ? { key, revision: r.id, value: r.value } : undefined, revision: at };
  }

  revisionOf(key: string): number | undefined {
    const r = this.stmt.revisionAt.get(key, this.rev);
    return r && !r.deleted ? r.id : undefined;
  }

  range(prefix: string, revision: number | undefined, after: string | undefined, limit: number): { rows: Row[]; revision: number } {
    const at = readableRevision(revision, this.rev, this.compacted);
    const rows = this.stmt.range
      .all({ lo: prefix, hi: prefixEnd(prefix), after: after ?? "", rev: at, limit })
      .map((r) => ({ key: r.name, revision: r.id, value: r.value }));
    return { rows, revision: at };
  }

  count(prefix: string, revision: number | undefined, after: string | undefined): number {
    const rev = readableRevision(revision, this.rev, this.compacted);
    return this.stmt.count.get({ lo: prefix, hi: prefixEnd(prefix), after: after ?? "", rev })!.n;
  }

  history(range: KeyRange, from: number, upto: number): ChangeSource {
    return localHistory(this, range, from, upto);
  }

  waitForRevision(revision: number, timeoutMs: number): Promise<number> {
    return this.hub.waitForRevision(revision, timeoutMs);
  }

  changes(range: KeyRange, afterRev: number, uptoRev: number, limit: number): RawEvent[] {
    const lo = range.key;
    const hi = range.recursive ? prefixEnd(range.key) : range.key + "\0";
    return this.stmt.history.all({ after: afterRev, upto: uptoRev, lo, hi, limit }).map((r) => {
      if (r.deleted) {
        return { revision: r.id, key: r.name, value: null, prevValue: r.value, prevRevision: r.prev_revision };
      }
      if (r.created || r.prev_value === null) {
        return { revision: r.id, key: r.name, value: r.value, prevValue: null, prevRevision: 0 };
      }
      return { revision: r.id, key: r.name, value: r.value, prevValue: r.prev_value, prevRevision: r.prev_revision };
    });
  }

  write(op: WriteOp): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ op, resolve, reject });
      this.scheduleCommit();
    });
  }

  private scheduleCommit(): void {
    // A flush running off the event loop schedules the next transaction when it ends.
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // Let every request parsed in this loop turn join the transaction.
    setImmediate(() => this.commit());
  }

  /** Commits the queued writes in one transaction; once it is on disk, publishes and resolves them. */
  private commit(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    if (this.broken) {
      for (const p of batch) p.reject(this.broken);
      return;
    }
    const events: RawEvent[] = [];
    let results: WriteResult[];
    try {
      results = this.applyBatch(
        batch.map((p) => p.op),
        events,
      );
    } catch (err) {
      // The transaction rolled back: none of these writes happened.
      for (const p of batch) p.reject(err);
      return;
    }
    // A failed compare-and-swap is answered after the flush too: the state it saw must be on disk.
    const settle = (err: Error | undefined) => {
      if (err) {
        this.broken ??= new Error(`sqlite storage ${this.path}: the write-ahead log could not be flushed to disk`, { cause: err });
        for (const p of batch) p.reject(this.broken);
        return;
      }
      if (events.length > 0) this.rev = events[events.length - 1]!.revision;
      this.hub.publish(events);
      for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
    };
    const walSync = this.walSync;
    if (!walSync) return settle(undefined);
    // Several writers are queueing: waiting here batches the requests that arrive meanwhile.
    if (batch.length > 1) return settle(walSync.flushNow());
    this.flushing = new Promise((resolve) =>
      walSync.flush((err) => {
        this.flushing = undefined;
        settle(err);
        if (this.pending.length > 0) this.scheduleCommit();
        resolve();
      }),
    );
  }

  /** One CAS inside the batch transaction; a live value (up to an object's whole size) is read only when the op does not hold it. */
  private apply(op: WriteOp, events: RawEvent[]): WriteResult {
    const cur = this.stmt.latestRevision.get(op.key);
    const liveRev = cur && !cur.deleted ? cur.id : 0;
    if (liveRev !== op.expect || (op.value === null && liveRev === 0)) {
      const current = liveRev ? { key: op.key, revision: liveRev, value: this.valueAt(liveRev) } : undefined;
      return { ok: false, current, revision: events.at(-1)?.revision ?? this.rev };
    }
    const prevValue = liveRev ? (op.expectedValue ?? this.valueAt(liveRev)) : null;
    let ev: RawEvent;
    if (op.value === null) {
      // kine-style tombstone: keeps the last value so DELETED events need no join.
      const id = Number(this.stmt.insert.run(op.key, 0, 1, liveRev, prevValue).lastInsertRowid);
      ev = { revision: id, key: op.key, value: null, prevValue, prevRevision: liveRev };
    } else {
      const id = Number(this.stmt.insert.run(op.key, liveRev ? 0 : 1, 0, cur?.id ?? 0, op.value).lastInsertRowid);
      ev = { revision: id, key: op.key, value: op.value, prevValue, prevRevision: liveRev };
      if (op.object) {
        // Watchers get the writer's object, stamped with the revision, instead of parsing the value.
        const object = asStored(op.object, op.value, id);
        ev.object = object;
        events.push(ev);
        return { ok: true, revision: id, object };
      }
    }
    events.push(ev);
    return { ok: true, revision: ev.revision };
  }

  private valueAt(revision: number): string {
    return this.stmt.valueOf.get(revision)!.value;
  }

  compact(revision: number): void {
    if (revision <= this.compacted) return;
    this.db.transaction(() => {
      this.stmt.compact.run({ rev: revision });
      this.stmt.setCompacted.run(revision, COMPACT_KEY);
    })();
    this.compacted = revision;
  }

  async close(): Promise<void> {
    this.hub.stop();
    // Commit and flush what is queued so no acknowledged-to-be write is silently dropped.
    for (;;) {
      if (this.flushing) await this.flushing;
      else if (this.pending.length > 0) this.commit();
      else break;
    }
    this.walSync?.close();
    openBackends.delete(this.path);
    this.db.close();
  }

  /**
   * An online backup to `file` through this connection (SQLite's backup API; the EXCLUSIVE
   * lock keeps every other process out). Every write acknowledged before the call is in it:
   * a write is acknowledged after its transaction committed.
   */
  async backup(file: string): Promise<void> {
    await this.db.backup(file);
  }
}

/** Open databases by path, so the server's backup command reaches the one connection that may read them. */
const openBackends = new Map<string, SqliteBackend>();

/** The open SQLite database at `path` in this process, if any (the backup hook). */
export function openSqliteBackend(path: string): SqliteBackend | undefined {
  return openBackends.get(resolve(path));
}

/** Opens (creating parent directories) a SQLite-backed Storage at `path`. */
export function createSqliteStorage(path: string, opts: StoreOptions = {}): KVStore {
  return new KVStore(new SqliteBackend(path, opts.watchBufferSize), opts);
}
