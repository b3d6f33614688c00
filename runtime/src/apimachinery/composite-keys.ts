/**
 * One string key per distinct sequence of strings, made once. A cache keyed by several of a
 * request's strings (a review's attributes and subject) would otherwise concatenate them into
 * a new string on every request, which V8 then copies flat and hashes whole: here each part is
 * looked up in its own small map instead (short strings, hashed on their own), and the key at
 * the end of the path is the same string object every time, its hash remembered.
 */

interface Level {
  next: Map<string, Level> | undefined;
  /** The key of the sequence that ends here. */
  key: string | undefined;
}

const newLevel = (): Level => ({ next: undefined, key: undefined });

export class CompositeKeys {
  private root = newLevel();
  private keys = 0;

  /**
   * `join` makes the key of a sequence the first time it is seen: it must give different
   * sequences different strings (length-prefixed parts, say), as equal keys mean one entry to
   * the cache. Past `maxKeys` sequences everything is forgotten and made again when next seen
   * (keys made again are equal strings, so a cache keyed by them still finds its entries).
   */
  constructor(
    private readonly join: (parts: readonly string[]) => string,
    private readonly maxKeys = 10_000,
  ) {}

  key(parts: readonly string[]): string {
    let level = this.root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const next = (level.next ??= new Map());
      let child = next.get(part);
      if (child === undefined) {
        child = newLevel();
        next.set(part, child);
      }
      level = child;
    }
    if (level.key !== undefined) return level.key;
    if (this.keys >= this.maxKeys) {
      this.root = newLevel();
      this.keys = 0;
      return this.key(parts);
    }
    this.keys++;
    return (level.key = this.join(parts));
  }
}
