/**
 * One storage test suite run against every backend, mirroring Kubernetes'
 * k8s.io/apiserver pkg/storage/testing/store_tests.go (create, get at a revision,
 * guaranteed update with conflicts, delete with preconditions, list at a revision
 * with paging over a snapshot, watch from a revision, compaction, count).
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { KubeObject, KVStore, StoreOptions, WatchEvent } from "../../runtime/src/storage/index.js";
import { EventReader, PREFIX, flunder, key, rejectsStorage, rv, sleep } from "./helpers.js";

export type StorageFactory = (opts: StoreOptions) => KVStore | Promise<KVStore>;

/** Short waits keep "not older than" tests fast. */
const BASE_OPTS: StoreOptions = { waitForRevisionMs: 150 };

export function runStorageSuite(name: string, factory: StorageFactory): void {
  describe(`storage suite: ${name}`, () => {
    let s: KVStore;
    const extra: KVStore[] = [];
    const open = async (opts: StoreOptions = {}) => {
      const st = await factory({ ...BASE_OPTS, ...opts });
      extra.push(st);
      return st;
    };
    beforeEach(async () => {
      s = await factory(BASE_OPTS);
    });
    afterEach(async () => {
      await s.close();
      for (const st of extra.splice(0)) await st.close();
    });

    describe("Create", () => {
      it("stores the object and sets resourceVersion to the write's revision", async () => {
        const before = await s.currentRevision();
        assert.ok(before >= 1, "revisions start at 1 like etcd");
        const input = flunder("a", { x: 1 });
        input.metadata.resourceVersion = "999";
        const out = await s.create(key("default", "a"), input);
        assert.equal(out.metadata.resourceVersion, String(before + 1));
        assert.equal(input.metadata.resourceVersion, "999", "the caller's object is not mutated");
        assert.equal(await s.currentRevision(), before + 1);
        const got = await s.get(key("default", "a"));
        assert.deepEqual(got, out);
        assert.deepEqual(got.spec, { x: 1 });
      });

      it("returns the JSON a read returns, resourceVersion last in metadata (what a GET's cached bytes may be)", async () => {
        const input = flunder("a", { x: 1 });
        input.metadata = { resourceVersion: "", ...input.metadata };
        const out = await s.create(key("default", "a"), input);
        assert.equal(JSON.stringify(out), JSON.stringify(await s.get(key("default", "a"))));
        assert.equal(Object.keys(out.metadata).at(-1), "resourceVersion");
      });

      it("fails with KeyExists when the key exists", async () => {
        await s.create(key("default", "a"), flunder("a"));
        const rev = await s.currentRevision();
        await rejectsStorage(s.create(key("default", "a"), flunder("a")), "KeyExists", /key exists/);
        assert.equal(await s.currentRevision(), rev, "a failed create writes nothing");
      });

      it("can recreate a deleted key", async () => {
        await s.create(key("default", "a"), flunder("a", { v: 1 }));
        await s.delete(key("default", "a"));
        const again = await s.create(key("default", "a"), flunder("a", { v: 2 }));
        assert.deepEqual((await s.get(key("default", "a"))).spec, { v: 2 });
        assert.equal((await s.get(key("default", "a"))).metadata.resourceVersion, again.metadata.resourceVersion);
      });
    });

    describe("Get", () => {
      it("fails with KeyNotFound for a missing key", async () => {
        await rejectsStorage(s.get(key("default", "nope")), "KeyNotFound", /key not found/);
      });

      it("returns the latest state for a revision not newer than the current one", async () => {
        const a = await s.create(key("default", "a"), flunder("a", { v: 1 }));
        const b = await s.guaranteedUpdate(key("default", "a"), (o) => ({ ...o, spec: { v: 2 } }));
        const got = await s.get(key("default", "a"), { revision: rv(a) });
        assert.equal(got.metadata.resourceVersion, b.metadata.resourceVersion);
      });

      it("waits for a future revision, then fails with TooLargeResourceVersion", async () => {
        await s.create(key("default", "a"), flunder("a"));
        const cur = await s.currentRevision();
        const pending = s.get(key("default", "a"), { revision: cur + 1 });
        await sleep(20);
        await s.create(key("default", "b"), flunder("b"));
        assert.equal((await pending).metadata.name, "a", "resolved once the revision arrived");
        const now = await s.currentRevision();
        const t0 = Date.now();
        await rejectsStorage(
          s.get(key("default", "a"), { revision: now + 5 }),
          "TooLargeResourceVersion",
          `Too large resource version: ${now + 5}, current: ${now}`,
        );
        assert.ok(Date.now() - t0 >= 100, "it waited before failing");
      });
    });

    describe("GuaranteedUpdate", () => {
      it("updates and returns the stored object; tryUpdate sees the current object", async () => {
        const a = await s.create(key("default", "a"), flunder("a", { v: 1 }));
        let seen: KubeObject | undefined;
        const b = await s.guaranteedUpdate(key("default", "a"), (cur) => {
          seen = cur;
          return { ...cur, spec: { v: 2 } };
        });
        assert.equal(seen?.metadata.resourceVersion, a.metadata.resourceVersion);
        assert.ok(rv(b) > rv(a));
        assert.deepEqual(await s.get(key("default", "a")), b);
      });

      it("returns the JSON a read returns, also for an update that changes nothing", async () => {
        await s.create(key("default", "a"), flunder("a", { v: 1 }));
        // tryUpdate's result keeps the resourceVersion it was given first in metadata; a read has it last.
        const rvFirst = (cur: KubeObject, spec: unknown) => {
          const { resourceVersion, ...rest } = cur.metadata;
          return { ...cur, metadata: { resourceVersion, ...rest }, spec };
        };
        const updated = await s.guaranteedUpdate(key("default", "a"), (cur) => rvFirst(cur, { v: 2 }));
        assert.equal(JSON.stringify(updated), JSON.stringify(await s.get(key("default", "a"))));
        const same = await s.guaranteedUpdate(key("default", "a"), (cur) => rvFirst(cur, cur.spec));
        assert.equal(JSON.stringify(same), JSON.stringify(await s.get(key("default", "a"))));
        assert.equal(same.metadata.resourceVersion, updated.metadata.resourceVersion);
      });

      it("fails with KeyNotFound, or creates with ignoreNotFound", async () => {
        await rejectsStorage(
          s.guaranteedUpdate(key("default", "x"), (o) => o),
          "KeyNotFound",
        );
        let given: KubeObject | undefined;
        const made = await s.guaranteedUpdate(
          key("default", "x"),
          (cur) => {
            given = cur;
            return flunder("x", { v: 1 });
          },
          { ignoreNotFound: true },
        );
        assert.deepEqual(given, { metadata: {} });
        assert.deepEqual((await s.get(key("default", "x"))).spec, { v: 1 });
        assert.equal(made.metadata.resourceVersion, String(await s.currentRevision()));
      });

      it("does not write when nothing changed", async () => {
        const a = await s.create(key("default", "a"), flunder("a", { v: 1 }));
        const rev = await s.currentRevision();
        const same = await s.guaranteedUpdate(key("default", "a"), (cur) => cur);
        assert.equal(same.metadata.resourceVersion, a.metadata.resourceVersion);
        assert.equal(await s.currentRevision(), rev);
      });

      it("checks preconditions with Kubernetes' messages", async () => {
        const a = await s.create(key("default", "a"), flunder("a"));
        await rejectsStorage(
          s.guaranteedUpdate(key("default", "a"), (o) => o, { preconditions: { uid: "other" } }),
          "InvalidObj",
          "Precondition failed: UID in precondition: other, UID in object meta: uid-default-a",
        );
        await rejectsStorage(
          s.guaranteedUpdate(key("default", "a"), (o) => o, { preconditions: { resourceVersion: "1" } }),
          "InvalidObj",
          `Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${a.metadata.resourceVersion}`,
        );
        const ok = await s.guaranteedUpdate(key("default", "a"), (o) => ({ ...o, spec: { v: 9 } }), {
          preconditions: { uid: "uid-default-a", resourceVersion: a.metadata.resourceVersion },
        });
        assert.deepEqual(ok.spec, { v: 9 });
      });

      it("aborts without writing when tryUpdate throws", async () => {
        await s.create(key("default", "a"), flunder("a"));
        const rev = await s.currentRevision();
        await assert.rejects(
          s.guaranteedUpdate(key("default", "a"), () => {
            throw new Error("nope");
          }),
          /nope/,
        );
        assert.equal(await s.currentRevision(), rev);
      });

      it("retries on a conflicting write and calls tryUpdate with the fresh object", async () => {
        await s.create(key("default", "a"), flunder("a", { n: 0 }));
        let calls = 0;
        const out = await s.guaranteedUpdate(key("default", "a"), async (cur) => {
          calls++;
          if (calls === 1) {
            // A concurrent writer sneaks in between our read and our write.
            await s.guaranteedUpdate(key("default", "a"), (o) => ({ ...o, spec: { n: 100 } }));
          }
          return { ...cur, spec: { n: (cur.spec as { n: number }).n + 1 } };
        });
        assert.equal(calls, 2);
        assert.deepEqual(out.spec, { n: 101 });
      });

      it("serialises concurrent updaters without losing increments", async () => {
        await s.create(key("default", "c"), flunder("c", { n: 0 }));
        let calls = 0;
        const N = 25;
        await Promise.all(
          Array.from({ length: N }, () =>
            s.guaranteedUpdate(key("default", "c"), async (cur) => {
              calls++;
              await new Promise((r) => setImmediate(r));
              return { ...cur, spec: { n: (cur.spec as { n: number }).n + 1 } };
            }),
          ),
        );
        assert.deepEqual((await s.get(key("default", "c"))).spec, { n: N });
        assert.ok(calls > N, `conflicts were retried (${calls} calls)`);
      });

      it("fails with KeyNotFound when the object is deleted during the update", async () => {
        await s.create(key("default", "a"), flunder("a"));
        await rejectsStorage(
          s.guaranteedUpdate(key("default", "a"), async (cur) => {
            await s.delete(key("default", "a")).catch(() => undefined);
            return { ...cur, spec: { v: 1 } };
          }),
          "KeyNotFound",
        );
      });
    });

    describe("Delete", () => {
      it("returns the last state stamped with the deletion revision", async () => {
        const a = await s.create(key("default", "a"), flunder("a", { v: 1 }));
        const gone = await s.delete(key("default", "a"));
        assert.deepEqual(gone.spec, { v: 1 });
        assert.ok(rv(gone) > rv(a));
        assert.equal(rv(gone), await s.currentRevision());
        await rejectsStorage(s.get(key("default", "a")), "KeyNotFound");
        await rejectsStorage(s.delete(key("default", "a")), "KeyNotFound");
      });

      it("checks preconditions", async () => {
        const a = await s.create(key("default", "a"), flunder("a"));
        await rejectsStorage(
          s.delete(key("default", "a"), { preconditions: { uid: "x" } }),
          "InvalidObj",
          "Precondition failed: UID in precondition: x, UID in object meta: uid-default-a",
        );
        await rejectsStorage(
          s.delete(key("default", "a"), { preconditions: { resourceVersion: "12345" } }),
          "InvalidObj",
          `Precondition failed: ResourceVersion in precondition: 12345, ResourceVersion in object meta: ${a.metadata.resourceVersion}`,
        );
        await s.delete(key("default", "a"), { preconditions: { uid: "uid-default-a" } });
      });

      it("aborts when validateDeletion throws, and retries it after a conflict", async () => {
        await s.create(key("default", "a"), flunder("a", { v: 1 }));
        await assert.rejects(
          s.delete(key("default", "a"), {
            validateDeletion: () => {
              throw new Error("finalizers");
            },
          }),
          /finalizers/,
        );
        await s.get(key("default", "a"));
        let calls = 0;
        const last = await s.delete(key("default", "a"), {
          validateDeletion: async () => {
            if (calls++ === 0) await s.guaranteedUpdate(key("default", "a"), (o) => ({ ...o, spec: { v: 2 } }));
          },
        });
        assert.equal(calls, 2);
        assert.deepEqual(last.spec, { v: 2 }, "the returned state is the one actually deleted");
      });
    });

    describe("List", () => {
      it("lists a prefix in key order, without neighbouring prefixes", async () => {
        for (const [ns, n] of [["ns1", "b"], ["ns10", "a"], ["ns1", "a"], ["ns2", "z"]] as const) {
          await s.create(key(ns, n), flunder(n, {}, ns));
        }
        await s.create("/other.group/things/ns1/a", flunder("a", {}, "ns1"));
        const ns1 = await s.list(key("ns1", ""));
        assert.deepEqual(ns1.items.map((o) => o.metadata.name), ["a", "b"]);
        assert.equal(ns1.revision, await s.currentRevision());
        assert.equal(ns1.continueKey, undefined);
        const all = await s.list(PREFIX);
        assert.deepEqual(all.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`), [
          "ns1/a",
          "ns1/b",
          "ns10/a",
          "ns2/z",
        ]);
        for (const o of all.items) assert.ok(rv(o) > 0);
        // A prefix without the trailing slash still means the directory.
        assert.equal((await s.list(PREFIX + "ns1")).items.length, 2);
        const one = await s.list(key("ns1", "b"), { recursive: false });
        assert.deepEqual(one.items.map((o) => o.metadata.name), ["b"]);
        assert.equal(await s.count(PREFIX), 4);
        assert.equal(await s.count(key("ns1", "")), 2);
      });

      it("reads an exact older revision", async () => {
        const a = await s.create(key("default", "a"), flunder("a", { v: 1 }));
        await s.create(key("default", "b"), flunder("b"));
        const snap = await s.currentRevision();
        await s.guaranteedUpdate(key("default", "a"), (o) => ({ ...o, spec: { v: 2 } }));
        await s.delete(key("default", "b"));
        await s.create(key("default", "c"), flunder("c"));
        const old = await s.list(PREFIX, { revision: snap, exact: true });
        assert.equal(old.revision, snap);
        assert.deepEqual(old.items.map((o) => o.metadata.name), ["a", "b"]);
        assert.deepEqual(old.items[0]!.spec, { v: 1 });
        assert.equal(old.items[0]!.metadata.resourceVersion, a.metadata.resourceVersion);
        const now = await s.list(PREFIX, { revision: snap });
        assert.equal(now.revision, await s.currentRevision(), "not-older-than reads the latest");
        assert.deepEqual(now.items.map((o) => o.metadata.name), ["a", "c"]);
        const cur = await s.currentRevision();
        await rejectsStorage(s.list(PREFIX, { revision: cur + 1, exact: true }), "TooLargeResourceVersion");
        await rejectsStorage(s.list(PREFIX, { revision: cur + 1 }), "TooLargeResourceVersion");
        const oneOld = await s.list(key("default", "b"), { recursive: false, revision: snap, exact: true });
        assert.equal(oneOld.items.length, 1);
      });

      it("pages with limit/continue over a consistent snapshot while writes happen", async () => {
        const names = Array.from({ length: 10 }, (_, i) => `item-${String(i).padStart(2, "0")}`);
        for (const n of names) await s.create(key("default", n), flunder(n, { gen: 1 }));
        const first = await s.list(PREFIX, { limit: 3 });
        assert.deepEqual(first.items.map((o) => o.metadata.name), names.slice(0, 3));
        assert.equal(first.continueKey, key("default", "item-02"));
        assert.equal(first.remainingItemCount, 7);
        // Writes after the first page must not show up in later pages.
        await s.create(key("default", "item-05a"), flunder("item-05a"));
        await s.delete(key("default", "item-06"));
        await s.guaranteedUpdate(key("default", "item-07"), (o) => ({ ...o, spec: { gen: 2 } }));
        const seen: KubeObject[] = [...first.items];
        let cont: string | undefined = first.continueKey;
        let pages = 1;
        while (cont) {
          const page = await s.list(PREFIX, { limit: 3, revision: first.revision, exact: true, continueAfter: cont });
          assert.equal(page.revision, first.revision);
          seen.push(...page.items);
          cont = page.continueKey;
          if (cont) assert.equal(page.remainingItemCount, 10 - seen.length);
          else assert.equal(page.remainingItemCount, undefined);
          pages++;
        }
        assert.equal(pages, 4);
        assert.deepEqual(seen.map((o) => o.metadata.name), names);
        for (const o of seen) assert.deepEqual(o.spec, { gen: 1 });
        const exactFit = await s.list(PREFIX, { limit: 10 });
        assert.equal(exactFit.items.length, 10);
        assert.equal(exactFit.continueKey, undefined, "no continue when the page holds everything");
      });

      it("fills pages through a predicate and omits remainingItemCount", async () => {
        for (let i = 0; i < 20; i++) {
          const n = `p${String(i).padStart(2, "0")}`;
          await s.create(key("default", n), flunder(n, { even: i % 2 === 0 }));
        }
        const pred = (o: KubeObject) => (o.spec as { even: boolean }).even;
        const page = await s.list(PREFIX, { limit: 4, predicate: pred });
        assert.deepEqual(page.items.map((o) => o.metadata.name), ["p00", "p02", "p04", "p06"]);
        assert.ok(page.continueKey);
        assert.equal(page.remainingItemCount, undefined);
        const rest = await s.list(PREFIX, { predicate: pred, continueAfter: page.continueKey, revision: page.revision });
        assert.equal(rest.items.length, 6);
        assert.equal((await s.list(PREFIX, { predicate: pred })).items.length, 10);
      });

      it("fails with Expired below the compacted revision", async () => {
        await s.create(key("default", "a"), flunder("a"));
        await s.create(key("default", "b"), flunder("b"));
        const early = await s.currentRevision();
        await s.create(key("default", "c"), flunder("c"));
        const page = await s.list(PREFIX, { limit: 1, revision: early, exact: true });
        await s.compact(await s.currentRevision());
        await rejectsStorage(
          s.list(PREFIX, { revision: early, exact: true }),
          "Expired",
          "The resourceVersion for the provided list is too old.",
        );
        const err = await rejectsStorage(
          s.list(PREFIX, { revision: early, exact: true, limit: 1, continueAfter: page.continueKey }),
          "Expired",
          /^The provided continue parameter is too old/,
        );
        assert.equal(err.key, page.continueKey, "the key to continue after, for the fresh token");
      });
    });

    describe("Watch", () => {
      it("from a revision: only changes after it, in order, with prev objects", async () => {
        const a = await s.create(key("default", "a"), flunder("a", { v: 1 }));
        const w = new EventReader(s.watch(PREFIX, { revision: rv(a), recursive: true }));
        await w.none(50);
        const b = await s.create(key("default", "b"), flunder("b"));
        const a2 = await s.guaranteedUpdate(key("default", "a"), (o) => ({ ...o, spec: { v: 2 } }));
        const del = await s.delete(key("default", "b"));
        const evs = await w.take(3);
        assert.deepEqual(evs.map((e) => e.type), ["ADDED", "MODIFIED", "DELETED"]);
        assert.deepEqual(evs.map((e) => e.revision), [rv(b), rv(a2), rv(del)]);
        assert.deepEqual(evs[1]!.object, a2);
        assert.deepEqual(evs[1]!.prevObject, a);
        assert.equal(evs[2]!.object.metadata.resourceVersion, del.metadata.resourceVersion);
        assert.equal(evs[2]!.prevObject!.metadata.resourceVersion, b.metadata.resourceVersion);
        w.stop();
      });

      it("replays history from an old revision, then live events, without gaps or duplicates", async () => {
        const start = await s.currentRevision();
        // More than one replay batch, mixing creates, updates and deletes.
        for (let i = 0; i < 700; i++) {
          const k = key("default", `o${i % 50}`);
          if (i < 50) await s.create(k, flunder(`o${i}`, { i }));
          else if (i % 7 === 0) {
            await s.delete(k).catch(() => undefined);
          } else await s.guaranteedUpdate(k, (o) => ({ ...o, metadata: { ...o.metadata, name: `o${i % 50}` }, spec: { i } }), { ignoreNotFound: true });
        }
        const mid = await s.currentRevision();
        const w = new EventReader(s.watch(PREFIX, { revision: start, recursive: true }));
        const got: WatchEvent[] = await w.take(10);
        // Keep writing while the watcher is still replaying.
        const writer = (async () => {
          for (let i = 0; i < 100; i++) await s.create(key("live", `l${i}`), flunder(`l${i}`, {}, "live"));
        })();
        await writer;
        const end = await s.currentRevision();
        while (got.length === 0 || got[got.length - 1]!.revision < end) got.push((await w.next())!);
        const revs = got.map((e) => e.revision);
        for (let i = 1; i < revs.length; i++) assert.ok(revs[i]! > revs[i - 1]!, `strictly increasing at ${i}`);
        assert.equal(revs.length, end - start, "one event per revision: no gaps, no duplicates");
        assert.ok(revs.includes(mid) && revs.includes(mid + 1));
        await w.none(50);
        w.stop();
      });

      it("a key watch from an older revision replays only that key", async () => {
        const start = await s.currentRevision();
        await s.create(key("default", "a"), flunder("a", { v: 1 }));
        await s.create(key("default", "ab"), flunder("ab"));
        await s.create(key("default", "a/x"), flunder("a-x"));
        const a2 = await s.guaranteedUpdate(key("default", "a"), (o) => ({ ...o, spec: { v: 2 } }));
        const w = new EventReader(s.watch(key("default", "a"), { revision: start, recursive: false }));
        const evs = await w.take(2);
        assert.deepEqual(evs.map((e) => [e.type, e.object.metadata.name]), [
          ["ADDED", "a"],
          ["MODIFIED", "a"],
        ]);
        assert.equal(evs[1]!.revision, rv(a2));
        await s.create(key("default", "aa"), flunder("aa"));
        await w.none(50);
        w.stop();
        const w0 = new EventReader(s.watch(key("default", "a"), { revision: 0, recursive: false }));
        const [initial] = await w0.take(1);
        assert.deepEqual(initial!.object, a2);
        await w0.none(50);
        w0.stop();
      });

      it("from 0: synthetic ADDED for the current state, then changes", async () => {
        const a = await s.create(key("default", "a"), flunder("a"));
        const b = await s.create(key("default", "b"), flunder("b"));
        const w = new EventReader(s.watch(PREFIX, { revision: 0, recursive: true }));
        const c = await s.create(key("default", "c"), flunder("c"));
        const evs = await w.take(3);
        assert.deepEqual(evs.map((e) => [e.type, e.object.metadata.name, e.object.metadata.resourceVersion]), [
          ["ADDED", "a", a.metadata.resourceVersion],
          ["ADDED", "b", b.metadata.resourceVersion],
          ["ADDED", "c", c.metadata.resourceVersion],
        ]);
        await w.none(50);
        w.stop();
      });

      it("sendInitialEvents: initial ADDED, the initial-events-end bookmark, then changes", async () => {
        await s.create(key("default", "a"), flunder("a"));
        const at = await s.currentRevision();
        const w = new EventReader(s.watch(PREFIX, { revision: at, recursive: true, sendInitialEvents: true }));
        await s.create(key("default", "b"), flunder("b"));
        const evs = await w.take(3);
        assert.deepEqual(evs.map((e) => e.type), ["ADDED", "BOOKMARK", "ADDED"]);
        assert.deepEqual(evs[1]!.object.metadata, {
          resourceVersion: String(at),
          annotations: { "k8s.io/initial-events-end": "true" },
        });
        w.stop();
      });

      it("a key watch sees only that key; predicates turn MODIFIED into ADDED/DELETED", async () => {
        await s.create(key("default", "a"), flunder("a", { color: "red" }));
        const start = await s.currentRevision();
        const one = new EventReader(s.watch(key("default", "a"), { revision: start, recursive: false }));
        const blue = new EventReader(
          s.watch(PREFIX, {
            revision: start,
            recursive: true,
            predicate: (o) => (o.spec as { color?: string }).color === "blue",
          }),
        );
        await s.create(key("default", "ab"), flunder("ab", { color: "blue" }));
        const toBlue = await s.guaranteedUpdate(key("default", "a"), (o) => ({ ...o, spec: { color: "blue" } }));
        const toRed = await s.guaranteedUpdate(key("default", "a"), (o) => ({ ...o, spec: { color: "red" } }));
        const evOne = await one.take(2);
        assert.deepEqual(evOne.map((e) => e.type), ["MODIFIED", "MODIFIED"]);
        const evBlue = await blue.take(3);
        assert.deepEqual(evBlue.map((e) => [e.type, e.object.metadata.name]), [
          ["ADDED", "ab"],
          ["ADDED", "a"],
          ["DELETED", "a"],
        ]);
        assert.equal(evBlue[1]!.revision, rv(toBlue));
        // Like etcd3's watcher: the DELETED object is the last matching state at the event's revision.
        assert.deepEqual(evBlue[2]!.object.spec, { color: "blue" });
        assert.equal(evBlue[2]!.object.metadata.resourceVersion, toRed.metadata.resourceVersion);
        one.stop();
        blue.stop();
      });

      it("fails with Expired from a compacted revision, works from the compacted revision", async () => {
        const a = await s.create(key("default", "a"), flunder("a", { v: 1 }));
        await s.create(key("default", "b"), flunder("b"));
        const c = await s.currentRevision();
        const a2 = await s.guaranteedUpdate(key("default", "a"), (o) => ({ ...o, spec: { v: 2 } }));
        await s.compact(c);
        assert.equal(await s.compactedRevision(), c);
        await rejectsStorage(
          () => s.watch(PREFIX, { revision: rv(a), recursive: true }),
          "Expired",
          `too old resource version: ${rv(a)} (${c})`,
        );
        const w = new EventReader(s.watch(PREFIX, { revision: c, recursive: true }));
        const [ev] = await w.take(1);
        assert.equal(ev!.type, "MODIFIED");
        assert.deepEqual(ev!.object, a2);
        assert.deepEqual(ev!.prevObject, a, "the state at the compacted revision is kept as prev value");
        w.stop();
      });

      it("ends a replay with Expired when history is compacted under it", async () => {
        const start = await s.currentRevision();
        for (let i = 0; i < 600; i++) await s.create(key("default", `x${i}`), flunder(`x${i}`));
        const w = new EventReader(s.watch(PREFIX, { revision: start, recursive: true }));
        await w.take(1);
        await s.compact(await s.currentRevision());
        await assert.rejects(
          (async () => {
            for (;;) if ((await w.next()) === null) return;
          })(),
          (e: Error & { code?: string }) => e.code === "Expired" && /too old resource version/.test(e.message),
        );
      });

      it("ends a slow watcher without blocking writes or other watchers", async () => {
        const st = await open({ watchBufferSize: 10 });
        const start = await st.currentRevision();
        const slow = new EventReader(st.watch(PREFIX, { revision: start, recursive: true }));
        const fast = new EventReader(st.watch(PREFIX, { revision: start, recursive: true }));
        const fastEvents: WatchEvent[] = [];
        const drain = (async () => {
          for (let i = 0; i < 50; i++) fastEvents.push((await fast.next())!);
        })();
        const t0 = Date.now();
        for (let i = 0; i < 50; i++) {
          await st.create(key("default", `s${i}`), flunder(`s${i}`));
          await new Promise((r) => setImmediate(r)); // give the fast reader a turn
        }
        assert.ok(Date.now() - t0 < 5000);
        await drain;
        assert.equal(fastEvents.length, 50);
        // The slow one gets what it had buffered (no gap), then its watch ends.
        const slowEvents: WatchEvent[] = [];
        for (let ev = await slow.next(); ev; ev = await slow.next()) slowEvents.push(ev);
        assert.equal(slowEvents.length, 10);
        assert.deepEqual(slowEvents.map((e) => e.revision), fastEvents.slice(0, 10).map((e) => e.revision));
        assert.equal(st.hub.watcherCount, 1);
        fast.stop();
        assert.equal(st.hub.watcherCount, 0);
      });

      it("stop() ends a pending read; close() ends every watch", async () => {
        const w = new EventReader(s.watch(PREFIX, { revision: 0, recursive: true }));
        const pending = w.next(1000);
        await sleep(10);
        w.stop();
        assert.equal(await pending, null);
        const w2 = new EventReader(s.watch(PREFIX, { revision: await s.currentRevision(), recursive: true }));
        const pending2 = w2.next(1000);
        const st = s;
        s = await factory(BASE_OPTS);
        await st.close();
        assert.equal(await pending2, null);
        await rejectsStorage(st.get(key("default", "a")), "Unreachable");
      });

      it("sends bookmarks with the latest revision when asked", async () => {
        await s.create(key("default", "a"), flunder("a"));
        const cur = await s.currentRevision();
        const w = new EventReader(s.watch(PREFIX, { revision: cur, recursive: true, bookmarkIntervalMs: 20 }));
        const [ev] = await w.take(1);
        assert.equal(ev!.type, "BOOKMARK");
        assert.deepEqual(ev!.object, { metadata: { resourceVersion: String(cur) } });
        w.stop();
      });
    });

    describe("Compaction", () => {
      it("keeps the state at the compacted revision readable, forgets older history", async () => {
        await s.create(key("default", "a"), flunder("a", { v: 1 }));
        await s.create(key("default", "gone"), flunder("gone"));
        await s.delete(key("default", "gone"));
        const a2 = await s.guaranteedUpdate(key("default", "a"), (o) => ({ ...o, spec: { v: 2 } }));
        const c = await s.currentRevision();
        await s.create(key("default", "b"), flunder("b"));
        await s.compact(c);
        await s.compact(c - 1); // going backwards is a no-op
        assert.equal(await s.compactedRevision(), c);
        const atC = await s.list(PREFIX, { revision: c, exact: true });
        assert.deepEqual(atC.items, [a2]);
        await rejectsStorage(s.list(PREFIX, { revision: c - 1, exact: true }), "Expired");
        assert.deepEqual((await s.list(PREFIX)).items.map((o) => o.metadata.name), ["a", "b"]);
        assert.equal(await s.count(PREFIX), 2);
        assert.deepEqual(await s.get(key("default", "a")), a2);
        await rejectsStorage(s.get(key("default", "gone")), "KeyNotFound");
        // Writes continue from the same revision sequence.
        const b2 = await s.guaranteedUpdate(key("default", "b"), (o) => ({ ...o, spec: { v: 1 } }));
        assert.equal(rv(b2), c + 2);
      });

      it("compacts periodically, keeping a window of revisions", async () => {
        const st = await open({ compaction: { compactionIntervalMs: 20, retainRevisions: 5 } });
        for (let i = 0; i < 20; i++) await st.create(key("default", `k${i}`), flunder(`k${i}`));
        const cur = await st.currentRevision();
        // Poll rather than sleep a fixed time: timers run late on a loaded machine.
        for (let i = 0; i < 100 && (await st.compactedRevision()) !== cur - 5; i++) await sleep(20);
        assert.equal(await st.compactedRevision(), cur - 5);
        st.stopCompaction();
        for (let i = 0; i < 10; i++) await st.create(key("default", `m${i}`), flunder(`m${i}`));
        await sleep(60);
        assert.equal(await st.compactedRevision(), cur - 5, "stopped");
        assert.equal(await st.count(PREFIX), 30);
      });
    });
  });
}
