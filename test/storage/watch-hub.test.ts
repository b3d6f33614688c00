/**
 * The hub's events carry the previous state as kube's etcd3 watcher has it (watcher.go
 * prepareObjects): parsed up front only for a watcher with a predicate, which needs it to
 * turn MODIFIED into ADDED/DELETED; for every other watcher only when prevObject is read.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { RawEvent } from "../../runtime/src/storage/backend.js";
import type { Predicate } from "../../runtime/src/storage/index.js";
import { WatchHub } from "../../runtime/src/storage/watch-hub.js";
import { EventReader, flunder } from "./helpers.js";

const KEY = "/flunders/default/a";
const json = (spec: Record<string, unknown>) => JSON.stringify(flunder("a", spec));

describe("watch hub: previous state", () => {
  let hub: WatchHub;
  beforeEach(() => {
    hub = new WatchHub(1);
  });
  afterEach(() => hub.stop());

  const watch = (predicate?: Predicate) => new EventReader(hub.watch({ key: "/flunders/", recursive: true, liveAfter: 1, predicate }));
  const publish = (events: RawEvent[]) => hub.publish(events);

  it("without a predicate, a MODIFIED event parses the previous value only when prevObject is read", async () => {
    const w = watch();
    // An unparsable previous value shows whether delivery parsed it.
    publish([{ revision: 2, key: KEY, value: json({ v: 2 }), prevValue: "{unparsable", prevRevision: 1 }]);
    const ev = (await w.next())!;
    assert.equal(ev.type, "MODIFIED");
    assert.deepEqual(ev.object.spec, { v: 2 });
    assert.throws(() => ev.prevObject, SyntaxError);
  });

  it("a lazily parsed prevObject is the previous state at its own revision, the same object on every read", async () => {
    const w = watch();
    publish([
      { revision: 2, key: KEY, value: json({ v: 2 }), prevValue: json({ v: 1 }), prevRevision: 1 },
      { revision: 3, key: KEY, value: null, prevValue: json({ v: 2 }), prevRevision: 2 },
    ]);
    const [modified, deleted] = [(await w.next())!, (await w.next())!];
    assert.deepEqual(modified.prevObject!.spec, { v: 1 });
    assert.equal(modified.prevObject!.metadata.resourceVersion, "1");
    assert.equal(modified.prevObject, modified.prevObject);
    assert.equal(deleted.type, "DELETED");
    assert.equal(deleted.object.metadata.resourceVersion, "3", "a deletion's object carries the deletion's revision");
    assert.equal(deleted.prevObject!.metadata.resourceVersion, "2");
    assert.notEqual(deleted.prevObject, deleted.object);
    assert.deepEqual({ ...modified }.prevObject, modified.prevObject, "a copy of the event keeps it");
  });

  it("with a predicate, the previous value is parsed to turn MODIFIED into ADDED or DELETED", async () => {
    const w = watch((o) => (o.spec as { color?: string }).color === "blue");
    publish([
      { revision: 2, key: KEY, value: json({ color: "blue" }), prevValue: json({ color: "red" }), prevRevision: 1 },
      { revision: 3, key: KEY, value: json({ color: "green" }), prevValue: json({ color: "blue" }), prevRevision: 2 },
    ]);
    const [added, deleted] = [(await w.next())!, (await w.next())!];
    assert.equal(added.type, "ADDED");
    assert.deepEqual(added.prevObject!.spec, { color: "red" });
    assert.equal(deleted.type, "DELETED");
    assert.deepEqual(deleted.object.spec, { color: "blue" });
    assert.equal(deleted.object.metadata.resourceVersion, "3");
  });
});
