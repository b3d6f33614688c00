/**
 * Whole LIST bodies for reads at the latest revision. The store has one revision for
 * all keys, so a list of the same query at the same current revision is byte-for-byte
 * the same: repeated lists (informer relists, polling) skip reading and joining 5,000
 * items. Only deterministic encodings are kept (not Table: its ages depend on the clock).
 * Bodies are kept as their UTF-8 bytes: encoding megabytes of JSON again for every
 * repeat, and collecting the garbage it leaves, would cost more than sending them.
 */
export interface CachedList {
  revision: number;
  body: Buffer;
}

export class ListCache {
  private readonly map = new Map<string, CachedList>();
  private size = 0;

  constructor(
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly maxEntries = 16,
  ) {}

  get(key: string, revision: number): Buffer | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (hit.revision !== revision) {
      this.delete(key, hit);
      return undefined;
    }
    // refresh recency
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.body;
  }

  set(key: string, revision: number, body: Buffer): void {
    if (body.length > this.maxBytes / 2) return;
    const old = this.map.get(key);
    if (old) this.delete(key, old);
    this.map.set(key, { revision, body });
    this.size += body.length;
    for (const [k, v] of this.map) {
      if (this.size <= this.maxBytes && this.map.size <= this.maxEntries) break;
      this.delete(k, v);
    }
  }

  private delete(key: string, entry: CachedList): void {
    this.map.delete(key);
    this.size -= entry.body.length;
  }
}
