/**
 * In-memory backend: a revision log plus per-key version chains and a sorted key
 * array, so list can read a consistent snapshot at any uncompacted revision and
 * watch can replay history. Everything is synchronous; nothing survives a restart.
 */
import type { Backend, CommitListener, KeyRange, RawEvent, Row, WriteOp, WriteResult } from "./backend.js";
import { KVStore, type StoreOptions } from "./kv-store.js";

interface Version {
  revision: number;
  /** null: a tombstone (the key was deleted at this revision). */
  value: string | null;
}

export class MemoryBackend implements Backend {
  /** etcd starts at revision 1; so do we, so an empty list never reports resourceVersion "0". */
  private rev = 1;
  private compacted = 0;
  private readonly versions = new Map<string, Version[]>();
  /** Every key with at least one uncompacted version, sorted (for prefix scans and paging). */
  private sorted: string[] = [];
  /** Every change after the compacted revision, in revision order (for watch replay). */
  private log: RawEvent[] = [];

  constructor(private readonly onCommit: CommitListener) {}

  currentRevision(): number {
    return this.rev;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  get(key: string, revision?: number): Row | undefined {
    const chain = this.versions.get(key);
    if (!chain) return undefined;
    const v = revision === undefined ? chain[chain.length - 1] : versionAt(chain, revision);
    return v && v.value !== null ? { key, revision: v.revision, value: v.value } : undefined;
  }

  range(prefix: string, revision: number, after: string | undefined, limit: number): Row[] {
    const rows: Row[] = [];
    for (let i = this.startIndex(prefix, after); i < this.sorted.length && rows.length < limit; i++) {
      const key = this.sorted[i]!;
      if (!key.startsWith(prefix)) break;
      const row = this.get(key, revision);
      if (row) rows.push(row);
    }
    return rows;
  }

  countRange(prefix: string, revision: number, after: string | undefined): number {
    let n = 0;
    for (let i = this.startIndex(prefix, after); i < this.sorted.length; i++) {
      const key = this.sorted[i]!;
      if (!key.startsWith(prefix)) break;
      const v = versionAt(this.versions.get(key)!, revision);
      if (v && v.value !== null) n++;
    }
    return n;
  }

  history(range: KeyRange, afterRev: number, uptoRev: number, limit: number): RawEvent[] {
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
      return Promise.resolve({ ok: false, current: liveRev });
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
      this.sorted.splice(lowerBound(this.sorted, op.key), 0, op.key);
    }
    chain.push({ revision, value: op.value });
    this.log.push(ev);
    this.onCommit([ev]);
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
    if (removed) this.sorted = this.sorted.filter((k) => this.versions.has(k));
  }

  close(): void {
    this.versions.clear();
    this.sorted = [];
    this.log = [];
  }

  /** Index of the first key >= prefix and > after. */
  private startIndex(prefix: string, after: string | undefined): number {
    if (after === undefined || after < prefix) return lowerBound(this.sorted, prefix);
    let i = lowerBound(this.sorted, after);
    if (this.sorted[i] === after) i++;
    return i;
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

function lowerBound(arr: string[], x: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createMemoryStorage(opts: StoreOptions = {}): KVStore {
  return new KVStore((onCommit) => new MemoryBackend(onCommit), opts);
}
