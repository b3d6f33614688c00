// Per-request strings built without ropes: UUIDs written as bytes, storage keys joined, kind
// prefixes found by indexOf. Each must say exactly what its slower predecessor said.
import assert from "node:assert/strict";
import { test } from "node:test";
import { randomUUID } from "../../runtime/src/apimachinery/uuid.js";
import { kindPrefix } from "../../runtime/src/storage/cacher/keys.js";

test("UUIDs are version 4, RFC 4122 variant, and do not repeat across refills of the random pool", () => {
  const seen = new Set<string>();
  // 128 UUIDs per refill: several refills
  for (let i = 0; i < 1000; i++) {
    const id = randomUUID();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 1000);
  // every hex digit position varies (no byte left unwritten)
  const ids = [...seen];
  for (let at = 0; at < 36; at++) {
    if ([8, 13, 18, 23, 14].includes(at)) continue;
    assert.ok(new Set(ids.map((id) => id[at])).size > 1, `position ${at} never changes`);
  }
});

test("a key's kind prefix is its first two segments, with the trailing slash", () => {
  const cases: [string, string | undefined][] = [
    ["/skai.io/notebooks/team-a/nb-1", "/skai.io/notebooks/"],
    ["/skai.io/clusterqueues/q1", "/skai.io/clusterqueues/"],
    ["/skai.io/notebooks/", "/skai.io/notebooks/"],
    ["/skai.io/notebooks", "/skai.io/notebooks/"],
    ["/skai.io/", undefined],
    ["/skai.io", undefined],
    ["/", undefined],
    ["", undefined],
    ["skai.io/notebooks/x", undefined],
    ["//notebooks/x", undefined],
    ["/skai.io//x", undefined],
  ];
  for (const [key, prefix] of cases) assert.equal(kindPrefix(key), prefix, key);
});
