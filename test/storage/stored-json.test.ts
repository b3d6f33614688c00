// The JSON of an object a write returns, made from its stored JSON: it must be byte for byte
// what JSON.stringify gives for the object (revision last in its metadata), whatever the
// strings in it hold, or nothing at all.
import assert from "node:assert/strict";
import { test } from "node:test";
import { withResourceVersion } from "../../runtime/src/storage/stored-json.js";
import { asStored, encode } from "../../runtime/src/storage/codec.js";
import { createMemoryStorage } from "../../runtime/src/storage/index.js";
import { RECENT, knownJSON, rememberJSON } from "../../runtime/src/apimachinery/known-json.js";

type Obj = Record<string, any>;

/** What a read or write hands out for `obj` stored at `revision` (kv-store's asStored). */
function handedOut(obj: Obj, revision: number): Obj {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return { ...obj, metadata: { ...metadata, resourceVersion: String(revision) } };
}

const nasty = ['a"b', "back\\slash", 'end\\"', "\\\\", "metadata", '"metadata":{', "}{][", "é ☃ \u2028", "\\u0022"];

test("matches JSON.stringify of the object handed out, for tricky strings and layouts", () => {
  const cases: Obj[] = [
    { apiVersion: "v1", kind: "X", metadata: { name: "a", namespace: "n" }, spec: { x: 1 } },
    { metadata: { name: "first" } },
    { kind: "metadata", metadata: { name: "after a value spelled metadata" } },
    { spec: { metadata: { nested: true }, list: [{ metadata: {} }] }, metadata: { name: "after a nested metadata" } },
    { apiVersion: "v1", metadata: {}, status: {} },
    { metadata: { name: "x", resourceVersion: "41", labels: { a: "b" } }, spec: null },
    { metadata: { annotations: { "k\"ey": "v}al{", "x\\": "[" } }, data: [1, "2", [3, { metadata: "no" }]] },
  ];
  for (const s of nasty) {
    cases.push({ kind: s, metadata: { name: s, labels: { [s]: s } }, spec: { [s]: [s, { [s]: s }] } });
    cases.push({ [s]: s, metadata: { [s]: s } });
  }
  for (const obj of cases) {
    const { resourceVersion: _rv, ...meta } = obj.metadata;
    const stored = JSON.stringify({ ...obj, metadata: meta });
    assert.equal(withResourceVersion(stored, 1234), JSON.stringify(handedOut(obj, 1234)), stored);
    // The codec writes the same bytes member by member, and knows where the metadata ends.
    const value = encode(obj as any);
    assert.equal(value, stored);
    const out = asStored(obj as any, value, 1234);
    assert.equal(knownJSON(out), JSON.stringify(handedOut(obj, 1234)), stored);
  }
});

test("the codec writes what JSON.stringify writes for members it leaves out or converts", () => {
  const when = new Date("2026-01-02T03:04:05Z");
  const objs: Obj[] = [
    { gone: undefined, fn: () => 1, metadata: { name: "a", skip: undefined }, at: when, n: 1.5e300 },
    { metadata: { name: "b" }, toJSON: () => ({ replaced: true }) },
    { spec: {}, metadata: { resourceVersion: "9" } },
  ];
  for (const obj of objs) {
    const { resourceVersion: _rv, ...meta } = obj.metadata;
    assert.equal(encode(obj as any), JSON.stringify({ ...obj, metadata: meta }));
  }
  // An object whose bytes the codec did not write gets its metadata's end found by scanning.
  const obj = { metadata: { name: "c" }, spec: { a: 1 } };
  const out = asStored(obj as any, '{"metadata":{"name":"c"},"spec":{"a":1}}', 5);
  assert.equal(knownJSON(out), '{"metadata":{"name":"c","resourceVersion":"5"},"spec":{"a":1}}');
});

test("answers nothing when the top level has no metadata object", () => {
  for (const obj of [{ kind: "X" }, { metadata: null }, { metadata: "s" }, { metadata: [1] }, { spec: { metadata: {} } }]) {
    assert.equal(withResourceVersion(JSON.stringify(obj), 7), undefined, JSON.stringify(obj));
  }
  // A stored resourceVersion (not written by this codec) would be replaced where it is, not added.
  assert.equal(withResourceVersion('{"metadata":{"resourceVersion":"3","name":"a"}}', 7), undefined);
  assert.equal(withResourceVersion('{"metadata":{"name":"resourceVersion","labels":{"resourceVersion":"x"}}}', 7), '{"metadata":{"name":"resourceVersion","labels":{"resourceVersion":"x"},"resourceVersion":"7"}}');
  assert.equal(withResourceVersion("[]", 7), undefined);
  assert.equal(withResourceVersion('{"metadata":{"name":"unterminated', 7), undefined);
});

test("a create and an update return objects whose JSON the storage layer already holds", async () => {
  const storage = createMemoryStorage();
  const created = await storage.create("/g/r/ns/a", { apiVersion: "v1", kind: "X", metadata: { name: "a", namespace: "ns" }, spec: { s: 'q"uote' } });
  assert.equal(knownJSON(created), JSON.stringify(created));
  const updated = await storage.guaranteedUpdate("/g/r/ns/a", async (cur) => ({ ...cur, spec: { s: "two" } }));
  assert.equal(knownJSON(updated), JSON.stringify(updated));
  assert.notEqual(updated.metadata.resourceVersion, created.metadata.resourceVersion);
  // An update that changes nothing keeps the revision and the bytes.
  const same = await storage.guaranteedUpdate("/g/r/ns/a", async (cur) => cur);
  assert.equal(knownJSON(same), JSON.stringify(same));
  // What storage did not hand out, it knows nothing about.
  assert.equal(knownJSON({ ...updated }), undefined);
  await storage.close?.();
});

test("known JSON is handed out once, and goes after RECENT newer entries (the watch cache keeps the objects)", () => {
  const first = { n: 0 };
  rememberJSON(first, () => '{"n":0}');
  assert.equal(knownJSON(first), '{"n":0}');
  assert.equal(knownJSON(first), undefined, "the encode cache keeps it from then on");
  const kept = { n: 1 };
  rememberJSON(kept, () => '{"n":1}');
  for (let i = 0; i < RECENT - 1; i++) rememberJSON({ i }, () => "{}");
  assert.equal(knownJSON(kept), '{"n":1}', "still there after RECENT - 1 newer entries");
  const gone = { n: 2 };
  rememberJSON(gone, () => '{"n":2}');
  for (let i = 0; i < RECENT; i++) rememberJSON({ i }, () => "{}");
  assert.equal(knownJSON(gone), undefined);
});
