/**
 * Serialised forms of stored objects, keyed by what makes them immutable: the object's
 * key and resourceVersion (every write gets a new revision), plus the encoding. GET
 * reuses the JSON, LIST concatenates item strings instead of stringifying the whole
 * list, and watch events are encoded once however many watchers receive them.
 * Bounded by total characters; the oldest entries go first.
 */
import type { KubeObject } from "../apimachinery/object.js";
import { knownJSON } from "../apimachinery/known-json.js";

export class EncodeCache {
  private readonly map = new Map<string, string>();
  private size = 0;

  constructor(private readonly maxChars = 64 * 1024 * 1024) {}

  /** Cache key of an object in some encoding; undefined when it has no resourceVersion. */
  static keyOf(root: string, obj: KubeObject, encoding: string): string | undefined {
    const m = obj.metadata;
    if (!m?.resourceVersion) return undefined;
    // The storage key (registry/scope.ts objectKey), so a GET can find it from the key alone.
    const objectKey = m.namespace ? `${root}${m.namespace}/${m.name ?? ""}` : `${root}${m.name ?? ""}`;
    return `${encoding}|${objectKey}@${m.resourceVersion}`;
  }

  /** The serialised form under `key`, if cached. */
  peek(key: string): string | undefined {
    return this.map.get(key);
  }

  /** Cache key of the object at `objectKey` (a storage key under `root`) at `revision`. */
  static keyAt(objectKey: string, revision: number, encoding: string): string {
    return `${encoding}|${objectKey}@${revision}`;
  }

  get(key: string | undefined, make: () => string): string {
    if (key === undefined) return make();
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    this.map.set(key, value);
    this.size += value.length + key.length;
    if (this.size > this.maxChars) this.evict();
    return value;
  }

  private evict(): void {
    for (const [k, v] of this.map) {
      if (this.size <= this.maxChars * 0.8) break;
      this.map.delete(k);
      this.size -= v.length + k.length;
    }
  }

  /** The JSON of a stored object: from the bytes storage holds for it when it does (a write's result). */
  json(root: string, obj: KubeObject): string {
    return this.get(EncodeCache.keyOf(root, obj, "json"), () => knownJSON(obj) ?? JSON.stringify(obj));
  }
}
