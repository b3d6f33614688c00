/**
 * The watch cache: the shared storage suite, unchanged, over Cacher(memory) and
 * Cacher(sqlite), then what only a cache does.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import {
  createMemoryStorage,
  createSqliteStorage,
  type KVStore,
  type ListResult,
  type StoreOptions,
  type WatchEvent,
  type Watcher,
} from "../../runtime/src/storage/index.js";
import { Cacher } from "../../runtime/src/storage/cacher/index.js";
import { EventReader, PREFIX, flunder, key, rejectsStorage, rv } from "./helpers.js";
import { runStorageSuite } from "./suite.js";

const dir = mkdtempSync(join(tmpdir(), "skai-cacher-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** The suite types its stores as KVStore; the Cacher offers the parts it uses (hub.watcherCount, stopCompaction). */
const cached = (backend: KVStore, opts: StoreOptions) => new Cacher(backend, opts) as unknown as KVStore;

runStorageSuite("cacher(memory)", (opts) => cached(createMemoryStorage(opts), opts));
runStorageSuite("cacher(sqlite)", (opts) => cached(createSqliteStorage(join(dir, `suite-${n++}`, "db.sqlite"), opts), opts));

/** Counts calls per method of a Storage; `gate`, when set, holds back the events of its watches. */
function instrument(backend: KVStore) {
  const calls: Record<string, number> = {};
  const state = { gate: undefined as Promise<void> | undefined };
  const proxy = new Proxy(backend, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        const out = (v as (...a: unknown[]) => unknown).apply(target, args);
        if (prop !== "watch") return out;
        const w = out as Watcher;
        const it = w[Symbol.asyncIterator]();
        return {
          stop: () => w.stop(),
          [Symbol.asyncIterator]: () => ({
            next: async () => {
              const r = await it.next();
              while (state.gate) await state.gate;
              return r;
            },
            return: async () => (w.stop(), { value: undefined, done: true as const }),
          }),
        };
      };
    },
  });
  return { backend: proxy, calls, state };
}

describe("cacher specifics", () => {
  it("a consistent list waits until the cache caught up, and sees a just-acknowledged write", async () => {
    const { backend, state } = instrument(createMemoryStorage());
    const c = new Cacher(backend);
    await c.list(PREFIX); // the kind's cache is up
    let open!: () => void;
    state.gate = new Promise((r) => (open = r));
    const a = await c.create(key("default", "a"), flunder("a"));
    let listed: ListResult | undefined;
    const pending = c.list(PREFIX).then((r) => (listed = r));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.equal(listed, undefined, "held while the cache lags behind the backend");
    state.gate = undefined;
    open();
    await pending;
    assert.deepEqual(listed!.items.map((o) => o.metadata.name), ["a"]);
    assert.ok(listed!.revision >= rv(a));
    await c.close();
  });

  it("falls back to the backend when the cache does not catch up in time", async () => {
    const { backend, calls, state } = instrument(createMemoryStorage());
    const c = new Cacher(backend, { consistentReadTimeoutMs: 20 });
    await c.list(PREFIX);
    let open!: () => void;
    state.gate = new Promise((r) => (open = r));
    await c.create(key("default", "a"), flunder("a"));
    const before = calls.list ?? 0;
    const res = await c.list(PREFIX);
    assert.deepEqual(res.items.map((o) => o.metadata.name), ["a"]);
    assert.equal(calls.list, before + 1, "answered by the backend");
    state.gate = undefined;
    open();
    await c.close();
  });

  it("answers the latest revision of a key from a cache that caught up, from the backend while it lags", async () => {
    const { backend, calls, state } = instrument(createMemoryStorage());
    const c = new Cacher(backend);
    const a = await c.create(key("default", "a"), flunder("a"));
    await c.list(PREFIX); // the kind's cache is up, at a's revision
    const before = calls.revisionOf ?? 0;
    assert.equal(await c.revisionOf(key("default", "a")), rv(a));
    assert.equal(await c.revisionOf(key("default", "missing")), undefined);
    assert.equal(calls.revisionOf ?? 0, before, "the caught-up cache answered");
    let open!: () => void;
    state.gate = new Promise((r) => (open = r));
    const updated = await c.guaranteedUpdate(key("default", "a"), async (cur) => ({ ...cur, spec: { v: 2 } }));
    assert.equal(await c.revisionOf(key("default", "a")), rv(updated), "the lagging cache asked the backend");
    assert.equal(calls.revisionOf, before + 1);
    state.gate = undefined;
    open();
    await c.close();
  });

  it("serves a list at any revision (0) from the cache without touching the backend", async () => {
    const { backend, calls } = instrument(createMemoryStorage());
    const c = new Cacher(backend);
    for (let i = 0; i < 5; i++) await c.create(key("default", `o${i}`), flunder(`o${i}`, { i }));
    await c.list(PREFIX);
    for (const k of Object.keys(calls)) delete calls[k];
    const any = await c.list(PREFIX, { revision: 0, predicate: (o) => (o.spec as { i: number }).i % 2 === 0 });
    assert.deepEqual(any.items.map((o) => o.metadata.name), ["o0", "o2", "o4"]);
    const page = await c.list(PREFIX, { revision: 0, limit: 2 });
    assert.deepEqual(page.items.map((o) => o.metadata.name), ["o0", "o1"]);
    assert.equal(page.remainingItemCount, 3);
    assert.deepEqual(calls, {}, "no backend call");
    await c.close();
  });

  it("closes a watcher that does not read; the others keep receiving", async () => {
    const c = new Cacher(createMemoryStorage(), { watchBufferSize: 5 });
    await c.list(PREFIX);
    const start = await c.currentRevision();
    const idle = new EventReader(c.watch(PREFIX, { revision: start, recursive: true }));
    const reader = new EventReader(c.watch(PREFIX, { revision: start, recursive: true }));
    const got: WatchEvent[] = [];
    for (let i = 0; i < 20; i++) {
      await c.create(key("default", `w${i}`), flunder(`w${i}`));
      got.push(...(await reader.take(1)));
    }
    assert.equal(got.length, 20);
    assert.equal(c.watcherCount, 1, "the idle watcher was dropped");
    const idleEvents: WatchEvent[] = [];
    for (let ev = await idle.next(); ev; ev = await idle.next()) idleEvents.push(ev);
    assert.deepEqual(idleEvents.map((e) => e.revision), got.slice(0, 5).map((e) => e.revision), "what it had, without a gap");
    // Shared events: the same object for every watcher, so encodings memoise.
    assert.equal(idleEvents[0]!.object, got[0]!.object);
    reader.stop();
    await c.close();
  });

  it("serves a watch from before the window from the backend's history, 410 once that is compacted", async () => {
    const c = new Cacher(createMemoryStorage(), { windowSize: 5 });
    await c.list(PREFIX);
    const start = await c.currentRevision();
    for (let i = 0; i < 20; i++) await c.create(key("default", `x${i}`), flunder(`x${i}`));
    const last = await c.currentRevision();
    await c.list(PREFIX); // caught up
    const oldest = last - 5;
    // Inside the window: from the cache.
    const w = new EventReader(c.watch(PREFIX, { revision: oldest, recursive: true }));
    assert.deepEqual((await w.take(5)).map((e) => e.revision), [oldest + 1, oldest + 2, oldest + 3, oldest + 4, oldest + 5]);
    w.stop();
    // Older than the window: the backend still has the history, so the watch resumes there.
    const old = new EventReader(c.watch(PREFIX, { revision: start, recursive: true }));
    assert.deepEqual((await old.take(3)).map((e) => e.revision), [start + 1, start + 2, start + 3]);
    old.stop();
    // Once the history is compacted, kube's 410 text.
    await c.compact(last - 2);
    await rejectsStorage(() => c.watch(PREFIX, { revision: start, recursive: true }), "Expired", `too old resource version: ${start} (${last - 2})`);
    await c.close();
  });

  it("sends bookmarks at the cache's revision to watchers that ask", async () => {
    const c = new Cacher(createMemoryStorage());
    await c.create(key("default", "a"), flunder("a"));
    await c.create("/other.group/things/b", { metadata: { name: "b" } });
    const cur = await c.currentRevision();
    await c.list(PREFIX); // caught up with the other kind's write through the backend's progress
    const w = new EventReader(c.watch(PREFIX, { revision: cur - 1, recursive: true, bookmarkIntervalMs: 10 }));
    const [ev] = await w.take(1);
    assert.equal(ev!.type, "BOOKMARK");
    assert.equal(ev!.revision, cur);
    w.stop();
    await c.close();
  });
});
