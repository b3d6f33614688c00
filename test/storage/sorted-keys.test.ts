// The key index of the memory backend and the watch cache, in blocks: every answer must be what
// one sorted array gives, across block splits and blocks emptied by deletes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SortedKeys, lowerBound } from "../../runtime/src/storage/sorted-keys.js";

/** What SortedKeys answers, computed on one sorted array. */
class Reference {
  keys: string[] = [];
  insert(k: string): boolean {
    const i = lowerBound(this.keys, k);
    if (this.keys[i] === k) return false;
    this.keys.splice(i, 0, k);
    return true;
  }
  remove(k: string): boolean {
    const i = lowerBound(this.keys, k);
    if (this.keys[i] !== k) return false;
    this.keys.splice(i, 1);
    return true;
  }
  under(dir: string, after?: string): string[] {
    return this.keys.filter((k) => k.startsWith(dir) && (after === undefined || after < dir || k > after));
  }
}

/** A deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

function scanned(keys: SortedKeys, dir: string, after?: string, stopAfter = Infinity): string[] {
  const out: string[] = [];
  keys.scan(dir, after, (k) => {
    out.push(k);
    return out.length < stopAfter;
  });
  return out;
}

test("inserts, deletes, scans and counts agree with one sorted array through splits and emptied blocks", () => {
  const rnd = random(42);
  const keys = new SortedKeys();
  const ref = new Reference();
  const namespaces = ["a", "b", "bb", "c"];
  const key = () => `/g/r/${namespaces[Math.floor(rnd() * namespaces.length)]}/n-${Math.floor(rnd() * 3000)}`;
  // Mostly inserts at first (blocks split), then mostly deletes (blocks empty and go).
  for (let step = 0; step < 12_000; step++) {
    const k = key();
    const del = rnd() < (step < 6000 ? 0.2 : 0.85);
    assert.equal(del ? keys.remove(k) : keys.insert(k), del ? ref.remove(k) : ref.insert(k), `step ${step}: ${del ? "remove" : "insert"} ${k}`);
    if (step % 500 === 0 || step === 11_999) {
      assert.deepEqual(keys.toArray(), ref.keys);
      assert.equal(keys.size, ref.keys.length);
      for (const dir of ["/g/r/", "/g/r/b/", "/g/r/bb/", "/g/r/c/", "/g/r/d/", "/g/"]) {
        const all = ref.under(dir);
        assert.deepEqual(scanned(keys, dir), all, dir);
        assert.equal(keys.countUnder(dir), all.length, dir);
        // Paging: from after a present key, an absent key, a key below the dir.
        for (const after of [all[Math.floor(all.length / 2)], `${dir}n-1500x`, "/a"]) {
          if (after === undefined) continue;
          assert.deepEqual(scanned(keys, dir, after), ref.under(dir, after), `${dir} after ${after}`);
          assert.equal(keys.countUnder(dir, after), ref.under(dir, after).length, `${dir} after ${after}`);
        }
        assert.deepEqual(scanned(keys, dir, undefined, 7), all.slice(0, 7), "a visit that returns false ends the scan");
      }
    }
  }
});

test("reset loads sorted keys and later edits keep them in order", () => {
  const keys = new SortedKeys();
  const sorted = Array.from({ length: 2000 }, (_, i) => `/k/${String(i).padStart(5, "0")}`);
  keys.reset(sorted);
  assert.equal(keys.size, 2000);
  assert.equal(keys.insert("/k/00999x"), true);
  assert.equal(keys.insert("/k/00999x"), false);
  assert.equal(keys.remove("/k/00000"), true);
  assert.equal(keys.remove("/k/00000"), false);
  assert.equal(keys.insert("/z"), true, "a key above all");
  assert.equal(keys.insert("/a"), true, "a key below all");
  const expected = ["/a", ...sorted.slice(1, 1000), "/k/00999x", ...sorted.slice(1000), "/z"];
  assert.deepEqual(keys.toArray(), expected);
  assert.deepEqual(scanned(keys, "/k/", "/k/01998"), ["/k/01999"]);
  assert.equal(keys.countUnder("/k/"), 2000);
  keys.reset([]);
  assert.equal(keys.size, 0);
  assert.deepEqual(scanned(keys, "/"), []);
  assert.equal(keys.countUnder("/"), 0);
  assert.equal(keys.remove("/a"), false);
});
