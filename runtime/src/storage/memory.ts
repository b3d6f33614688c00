/**
 * In-memory backend: a revision log plus per-key version chains and a sorted key
 * array, so list can read a consistent snapshot at any uncompacted revision and
 * watch can replay history. Everything is synchronous; nothing survives a restart.
 */
import { localHistory, readableRevision, type Backend, type LocalHistory, type ChangeSource, type KeyRange, type RawEvent, type Row, type WriteOp, type WriteResult } from "./backend.js";
import { KVStore, type StoreOptions } from "./kv-store.js";
import { SortedKeys } from "./sorted-keys.js";
import { WatchHub } from "./watch-hub.js";

interface Version {
  revision: number;
  /** null: a tombstone (the key was deleted at this revision). */
  value: string | null;
}

class MemoryBackend implements Backend, LocalHistory {
  /** etcd starts at revision 1; so do we, so an empty list never reports resourceVersion "0". */
  private rev = 1;
  private compacted = 0;
  private readonly versions = new Map<string, Version[]>();
  /** Every key with at least one uncompacted version, sorted (for prefix scans and paging). */
  private sorted = new SortedKeys();
  /** Every change after the compacted revision, in revision order (for watch replay). */
  private log: RawEvent[] = [];
  readonly hub: WatchHub;

  constructor(watchBufferSize?: number) {
    this.hub = new WatchHub(this.rev, watchBufferSize);
  }

  currentRevision(): number {
    return this.rev;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  get(key: string, revision?: number): { row: Row | undefined; revision: number } {
    const at = readableRevision(revision, this.rev, this.compacted);
    return { row: this.rowAt(key, revision), revision: at };
  }

  revisionOf(key: string): number | undefined {
    return this.rowAt(key, undefined)?.revision;
  }

  range(prefix: string, revision: number | undefined, after: string | undefined, limit: number): { rows: Row[]; revision: number } {
    const at = readableRevision(revision, this.rev, this.compacted);
    const rows: Row[] = [];
    if (limit <= 0) return { rows, revision: at };
    this.sorted.scan(prefix, after, (key) => {
      const row = this.rowAt(key, at);
      if (row) rows.push(row);
      return rows.length < limit;
    });
    return { rows, revision: at };
  }

  count(prefix: string, revision: number | undefined, after: string | undefined): number {
    const at = readableRevision(revision, this.rev, this.compacted);
    let n = 0;
    this.sorted.scan(prefix, after, (key) => {
      const v = versionAt(this.versions.get(key)!, at);
      if (v && v.value !== null) n++;
    });
    return n;
  }

  history(range: KeyRange, from: number, upto: number): ChangeSource {
    return localHistory(this, range, from, upto);
  }

  waitForRevision(revision: number, timeoutMs: number): Promise<number> {
    return this.hub.waitForRevision(revision, timeoutMs);
  }

  changes(range: KeyRange, afterRev: number, uptoRev: number, limit: number): RawEvent[] {
    const out: RawEvent[] = [];
    // The log is sorted by revision: binary-search the first entry after afterRev.
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid]!.revision <= afterRev) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.log.length && out.length < limit; i++) {
      const ev = this.log[i]!;
      if (ev.revision > uptoRev) break;
      if (range.recursive ? ev.key.startsWith(range.key) : ev.key === range.key) out.push(ev);
    }
    return out;
  }

  write(op: WriteOp): Promise<WriteResult> {
    let chain = this.versions.get(op.key);
    const last = chain?.[chain.length - 1];
    const live = last && last.value !== null ? last : undefined;
    const liveRev = live?.revision ?? 0;
    if (liveRev !== op.expect || (op.value === null && !live)) {
      const current = live ? { key: op.key, revision: liveRev, value: live.value! } : undefined;
      return Promise.resolve({ ok: false, current, revision: this.rev });
    }
    const revision = ++this.rev;
    const ev: RawEvent = {
      revision,
      key: op.key,
      value: op.value,
      prevValue: live ? live.value : null,
      prevRevision: liveRev,
    };
    if (!chain) {
      chain = [];
      this.versions.set(op.key, chain);
      this.sorted.insert(op.key);
    }
    chain.push({ revision, value: op.value });
    this.log.push(ev);
    this.hub.publish([ev]);
    return Promise.resolve({ ok: true, revision });
  }

  /** Keeps, per key, only the state at `revision` and later versions; drops the log up to it. */
  compact(revision: number): void {
    if (revision <= this.compacted) return;
    this.compacted = revision;
    let cut = 0;
    while (cut < this.log.length && this.log[cut]!.revision <= revision) cut++;
    this.log = this.log.slice(cut);
    let removed = false;
    for (const [key, chain] of this.versions) {
      let i = chain.length - 1;
      while (i >= 0 && chain[i]!.revision > revision) i--;
      if (i < 0) continue;
      // chain[i] is the state at `revision`: keep it unless it is a tombstone.
      const drop = chain[i]!.value === null ? i + 1 : i;
      if (drop > 0) chain.splice(0, drop);
      if (chain.length === 0) {
        this.versions.delete(key);
        removed = true;
      }
    }
    if (removed) this.sorted.reset(this.sorted.toArray().filter((k) => this.versions.has(k)));
  }

  close(): void {
    this.hub.stop();
    this.versions.clear();
    this.sorted = new SortedKeys();
    this.log = [];
  }

  private rowAt(key: string, revision: number | undefined): Row | undefined {
    const chain = this.versions.get(key);
    if (!chain) return undefined;
    const v = revision === undefined ? chain[chain.length - 1] : versionAt(chain, revision);
    return v && v.value !== null ? { key, revision: v.revision, value: v.value } : undefined;
  }
}

/** The version in effect at `revision` (the last one written at or before it). */
function versionAt(chain: Version[], revision: number): Version | undefined {
  let lo = 0;
  let hi = chain.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (chain[mid]!.revision <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? chain[lo - 1] : undefined;
}

export function createMemoryStorage(opts: StoreOptions = {}): KVStore {
  return new KVStore(new MemoryBackend(opts.watchBufferSize), opts);
}
