/**
 * Sorted string keys for prefix scans and paging: the memory backend's index and the watch
 * cache's. kube's watch cache keeps a B-tree for the same reason this keeps blocks: in one
 * sorted array an insert or a delete moves half the keys (at 10,000 objects of a kind that
 * splice cost a create more than its JSON did, and it grows with the kind), while here it
 * moves the keys of one block of at most MAX_BLOCK.
 */

/** Keys per block before it splits in two. */
const MAX_BLOCK = 512;

/** Index of the first element >= x in a sorted array. */
export function lowerBound(arr: readonly string[], x: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SortedKeys {
  /** Non-empty sorted blocks; every key of a block is below every key of the next. */
  private blocks: string[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Replaces the content with `sorted` (ascending, no duplicates). */
  reset(sorted: readonly string[]): void {
    this.blocks = [];
    for (let i = 0; i < sorted.length; i += MAX_BLOCK / 2) this.blocks.push(sorted.slice(i, i + MAX_BLOCK / 2));
    this.count = sorted.length;
  }

  /** Adds `key`; false when it was there. */
  insert(key: string): boolean {
    const blocks = this.blocks;
    if (blocks.length === 0) {
      blocks.push([key]);
      this.count = 1;
      return true;
    }
    // The block that holds the first key >= `key`, or the last one when `key` is the largest.
    const b = Math.min(this.blockOf(key), blocks.length - 1);
    const block = blocks[b]!;
    const i = lowerBound(block, key);
    if (block[i] === key) return false;
    block.splice(i, 0, key);
    this.count++;
    if (block.length > MAX_BLOCK) blocks.splice(b + 1, 0, block.splice(MAX_BLOCK / 2));
    return true;
  }

  /** Removes `key`; false when it was not there. */
  remove(key: string): boolean {
    const b = this.blockOf(key);
    const block = this.blocks[b];
    if (!block) return false;
    const i = lowerBound(block, key);
    if (block[i] !== key) return false;
    block.splice(i, 1);
    this.count--;
    if (block.length === 0) this.blocks.splice(b, 1);
    return true;
  }

  /**
   * Calls `visit` with each key that starts with `dir`, in order, until it returns false:
   * from the first key after `after` when `after` is given and not below `dir`.
   */
  scan(dir: string, after: string | undefined, visit: (key: string) => boolean | void): void {
    const blocks = this.blocks;
    let [b, i] = this.start(dir, after);
    for (; b < blocks.length; b++, i = 0) {
      const block = blocks[b]!;
      for (; i < block.length; i++) {
        const key = block[i]!;
        if (!key.startsWith(dir) || visit(key) === false) return;
      }
    }
  }

  /** How many keys `scan(dir, after, ...)` would visit. */
  countUnder(dir: string, after?: string): number {
    const blocks = this.blocks;
    let [b, i] = this.start(dir, after);
    let n = 0;
    for (; b < blocks.length; b++, i = 0) {
      const block = blocks[b]!;
      // Keys under `dir` are contiguous: a block whose last key is under it is, from `i`, all under it.
      if (block[block.length - 1]!.startsWith(dir)) {
        n += block.length - i;
        continue;
      }
      while (i < block.length && block[i]!.startsWith(dir)) {
        n++;
        i++;
      }
      break;
    }
    return n;
  }

  /** Every key, in order. */
  toArray(): string[] {
    return this.blocks.flat();
  }

  /** [block, index] of the first key >= dir, or > after when `after` is given and not below `dir`. */
  private start(dir: string, after: string | undefined): [number, number] {
    if (after === undefined || after < dir) return this.position(dir);
    const [b, i] = this.position(after);
    const block = this.blocks[b];
    if (!block || block[i] !== after) return [b, i];
    return i + 1 < block.length ? [b, i + 1] : [b + 1, 0];
  }

  /** [block, index] of the first key >= x ([blocks.length, 0] when there is none). */
  private position(x: string): [number, number] {
    const b = this.blockOf(x);
    const block = this.blocks[b];
    return block ? [b, lowerBound(block, x)] : [b, 0];
  }

  /** Index of the first block whose last key is >= x (blocks.length when there is none). */
  private blockOf(x: string): number {
    const blocks = this.blocks;
    let lo = 0;
    let hi = blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const block = blocks[mid]!;
      if (block[block.length - 1]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
