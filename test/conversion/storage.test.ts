/**
 * The runtime's conversion layer with hand-written conversions (no generator):
 * a storage seen in another version converts reads, writes, selectors and
 * watch events, and fields with no home survive in an annotation.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { convertingStorage, losslessConversion, type ResourceConversion } from "../../runtime/src/conversion/index.js";
import { createStorage, type KubeObject, type WatchEvent } from "../../runtime/src/storage/index.js";
import { Cacher } from "../../runtime/src/storage/cacher/index.js";

type Obj = Record<string, any>;

// v1: spec.image; v2: spec.template.image and a new spec.template.pullPolicy that v1 cannot hold.
const toV1 = (o: Obj): Obj => {
  const { template, ...spec } = o.spec ?? {};
  return { ...o, apiVersion: "g.io/v1", metadata: structuredClone(o.metadata), spec: { ...spec, ...(template?.image !== undefined ? { image: template.image } : {}) } };
};
const toV2 = (o: Obj): Obj => {
  const { image, ...spec } = o.spec ?? {};
  return { ...o, apiVersion: "g.io/v2", metadata: structuredClone(o.metadata), spec: { ...spec, ...(image !== undefined ? { template: { image } } : {}) } };
};
const conversion: ResourceConversion = { group: "g.io", version: "v2", storageVersion: "v1", toStorage: toV1, fromStorage: toV2 };

describe("conversion: lossless", () => {
  it("keeps fields with no home in <group>/<version>-fields and restores them", () => {
    const up = losslessConversion("g.io", "v2", "v1", toV1, toV2);
    const down = losslessConversion("g.io", "v1", "v2", toV2, toV1);
    const v2 = { apiVersion: "g.io/v2", kind: "K", metadata: { name: "a" }, spec: { template: { image: "i", pullPolicy: "Always" }, n: 1 } };
    const v1 = up(v2);
    assert.deepEqual(v1.spec, { n: 1, image: "i" });
    assert.deepEqual(JSON.parse((v1.metadata as Obj).annotations["g.io/v2-fields"]), { spec: { template: { pullPolicy: "Always" } } });
    assert.deepEqual(down(v1), v2);
  });
});

describe("conversion: storage", () => {
  it("converts get, list, selectors, updates and watch events", async () => {
    const inner = createStorage("memory");
    const s = convertingStorage(inner, conversion);
    const w = s.watch("/g.io/ks/", { revision: await inner.currentRevision(), recursive: true });
    const created = await s.create("/g.io/ks/ns/a", { apiVersion: "g.io/v2", kind: "K", metadata: { name: "a", namespace: "ns" }, spec: { template: { image: "x" } } } as KubeObject);
    assert.equal(created.apiVersion, "g.io/v2");
    const stored = await inner.get("/g.io/ks/ns/a");
    assert.equal(stored.apiVersion, "g.io/v1");
    assert.deepEqual(stored.spec, { image: "x" });
    assert.deepEqual((await s.get("/g.io/ks/ns/a")).spec, { template: { image: "x" } });
    const listed = await s.list("/g.io/ks/", { predicate: (o) => (o.spec as Obj).template?.image === "x" });
    assert.equal(listed.items.length, 1);
    assert.equal(listed.items[0].apiVersion, "g.io/v2");
    await s.guaranteedUpdate("/g.io/ks/ns/a", (cur) => ({ ...cur, spec: { template: { image: "y" } } }));
    assert.deepEqual((await inner.get("/g.io/ks/ns/a")).spec, { image: "y" });
    const events: Obj[] = [];
    for await (const ev of w) {
      events.push({ type: ev.type, apiVersion: ev.object.apiVersion, image: (ev.object.spec as Obj).template.image });
      if (events.length === 2) break;
    }
    w.stop();
    assert.deepEqual(events, [
      { type: "ADDED", apiVersion: "g.io/v2", image: "x" },
      { type: "MODIFIED", apiVersion: "g.io/v2", image: "y" },
    ]);
    await inner.close();
  });
});

describe("conversion: pushed watch delivery", () => {
  it("converts a watch event's previous state only when it is read", async () => {
    const inner = createStorage("memory");
    let conversions = 0;
    const counting: ResourceConversion = { ...conversion, fromStorage: (o) => (conversions++, toV2(o)) };
    const s = convertingStorage(inner, counting);
    await s.create("/g.io/ks/ns/a", { apiVersion: "g.io/v2", kind: "K", metadata: { name: "a", namespace: "ns" }, spec: { template: { image: "x" } } } as KubeObject);
    const w = s.watch("/g.io/ks/", { revision: await inner.currentRevision(), recursive: true });
    await s.guaranteedUpdate("/g.io/ks/ns/a", (cur) => ({ ...cur, spec: { template: { image: "y" } } }));
    const it = w[Symbol.asyncIterator]();
    const { value: ev } = await it.next();
    const before = conversions;
    assert.equal(ev.type, "MODIFIED");
    assert.equal((ev.object.spec as Obj).template.image, "y");
    assert.equal(conversions, before, "the previous state is not converted until read");
    assert.equal((ev.prevObject!.spec as Obj).template.image, "x");
    assert.equal(ev.prevObject!.apiVersion, "g.io/v2");
    const converted = conversions;
    assert.ok(converted > before);
    void ev.prevObject;
    assert.equal(conversions, converted, "converted once");
    w.stop();
  });

  it("passes the watch cache's push delivery through, converting each event", async () => {
    const inner = new Cacher(createStorage("memory"));
    const s = convertingStorage(inner, conversion);
    const w = s.watch("/g.io/ks/", { revision: await inner.currentRevision(), recursive: true });
    assert.ok(w.pushTo, "a converting view of a pushing watcher pushes too");
    const events: WatchEvent[] = [];
    let arrived: () => void = () => {};
    const two = new Promise<void>((resolve) => (arrived = resolve));
    w.pushTo({
      push: (ev) => {
        events.push(ev);
        if (events.length === 2) arrived();
        return true;
      },
      end: () => {},
    });
    await s.create("/g.io/ks/ns/a", { apiVersion: "g.io/v2", kind: "K", metadata: { name: "a", namespace: "ns" }, spec: { template: { image: "x" } } } as KubeObject);
    await s.guaranteedUpdate("/g.io/ks/ns/a", (cur) => ({ ...cur, spec: { template: { image: "y" } } }));
    await two;
    w.stop();
    assert.deepEqual(
      events.map((ev) => [ev.type, ev.object.apiVersion, (ev.object.spec as Obj).template.image]),
      [
        ["ADDED", "g.io/v2", "x"],
        ["MODIFIED", "g.io/v2", "y"],
      ],
    );
    await inner.close();
  });
});

describe("conversion: an object that cannot be converted fails alone", () => {
  // v1 objects written by another program with a spec the v2 conversion cannot read.
  const strict: ResourceConversion = {
    ...conversion,
    fromStorage: (o: Obj) => {
      if (typeof o.spec?.image !== "string") throw new TypeError(`spec.image is ${typeof o.spec?.image}`);
      return toV2(o);
    },
  };
  const v1 = (name: string, image: unknown) => ({ apiVersion: "g.io/v1", kind: "K", metadata: { name, namespace: "ns" }, spec: { image } }) as unknown as KubeObject;

  it("GET answers 500 naming the object; LIST, selectors and watches go on without it (logged); DELETE removes it", async () => {
    const inner = createStorage("memory");
    const logged: string[] = [];
    const s = convertingStorage(inner, strict, (m) => logged.push(m));
    const start = await inner.currentRevision();
    await inner.create("/g.io/ks/ns/good", v1("good", "x"));
    await inner.create("/g.io/ks/ns/poison", v1("poison", { nested: true }));

    await assert.rejects(s.get("/g.io/ks/ns/poison"), (e: any) => {
      assert.equal(e.status.code, 500);
      assert.equal(e.status.reason, "InternalError");
      assert.match(e.status.message, /^Internal error occurred: converting g\.io\/v1 K "ns\/poison" to g\.io\/v2: spec\.image is object$/);
      return true;
    });
    assert.equal((await s.get("/g.io/ks/ns/good")).apiVersion, "g.io/v2");

    const listed = await s.list("/g.io/ks/");
    assert.deepEqual(listed.items.map((o) => o.metadata.name), ["good"]);
    const selected = await s.list("/g.io/ks/", { predicate: () => true });
    assert.deepEqual(selected.items.map((o) => o.metadata.name), ["good"]);
    assert.ok(logged.some((m) => m.startsWith('list: left out K "ns/poison"')), logged.join("\n"));

    const w = s.watch("/g.io/ks/", { revision: start, recursive: true });
    await inner.create("/g.io/ks/ns/after", v1("after", "y"));
    const seen: string[] = [];
    for await (const ev of w) {
      seen.push(`${ev.type} ${ev.object.metadata.name}`);
      if (ev.object.metadata.name === "after") break;
    }
    w.stop();
    assert.deepEqual(seen, ["ADDED good", "ADDED after"]);
    assert.ok(logged.some((m) => m.startsWith('watch: left out K "ns/poison"')));

    const deleted = await s.delete("/g.io/ks/ns/poison", { validateDeletion: (cur) => assert.equal(cur.metadata.name, "poison") });
    assert.equal(deleted.apiVersion, "g.io/v2");
    assert.equal(deleted.metadata.name, "poison");
    await assert.rejects(inner.get("/g.io/ks/ns/poison"));
  });
});
