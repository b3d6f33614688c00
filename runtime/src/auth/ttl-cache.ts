/**
 * A map whose entries expire, with a size bound and de-duplication of
 * concurrent lookups of the same key (the token and SubjectAccessReview caches:
 * a burst of identical requests makes one review call).
 */
import { BoundedMap } from "../apimachinery/bounded-map.js";

export class TtlCache<V> {
  private readonly entries: BoundedMap<string, { value: V; expires: number }>;
  private readonly pending = new Map<string, Promise<V>>();

  constructor(
    maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new BoundedMap(maxEntries);
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.entries.set(key, { value, expires: this.now() + ttlMs });
  }

  /** The cached value, else one shared call of `load`; `ttlOf` picks the TTL per result (allowed vs denied). */
  async getOrLoad(key: string, load: () => Promise<V>, ttlOf: (value: V) => number): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    let inflight = this.pending.get(key);
    if (!inflight) {
      inflight = load()
        .then((value) => {
          this.set(key, value, ttlOf(value));
          return value;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, inflight);
    }
    return inflight;
  }

  clear(): void {
    this.entries.clear();
  }
}
