/**
 * The registry store's read verbs over a storage: options that do not parse are thrown
 * by the call, storage errors come out as StatusErrors (for a watch, from the
 * iteration, so the handler only writes ERROR events), and a paged list whose snapshot
 * was compacted hands out a token that continues at the latest revision.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { StatusError } from "../../runtime/src/api/status.js";
import { decodeContinue } from "../../runtime/src/registry/continue.js";
import type { ListOptions } from "../../runtime/src/registry/options.js";
import type { GenericStore } from "../../runtime/src/registry/store.js";
import { createStores } from "../../runtime/src/registry/stores.js";
import type { Storage } from "../../runtime/src/storage/interface.js";
import { createStorage } from "../../runtime/src/storage/index.js";
import { StorageError } from "../../runtime/src/storage/interface.js";
import { widgetDef } from "./harness.js";

const LIST: ListOptions = {
  labelSelector: "",
  fieldSelector: "",
  resourceVersion: "",
  resourceVersionMatch: "",
  limit: 0,
  continue: "",
  allowWatchBookmarks: false,
};
const FAR = Date.now() + 60_000;

function storeOver(storage: Storage): GenericStore {
  return createStores([widgetDef], storage)[0]!;
}

async function withWidgets(n: number, test: (store: GenericStore, storage: Storage) => Promise<void>): Promise<void> {
  const storage = createStorage("memory:");
  const store = storeOver(storage);
  try {
    for (let i = 0; i < n; i++) {
      await store.create({ apiVersion: "", kind: "", metadata: { namespace: "ns", name: `w${i}` }, spec: {} }, { dryRun: false });
    }
    await test(store, storage);
  } finally {
    await storage.close();
  }
}

async function statusOf(p: Promise<unknown>): Promise<StatusError> {
  const err = await p.then(
    () => assert.fail("expected a StatusError"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof StatusError, `not a StatusError: ${String(err)}`);
  return err;
}

/** The first step of a watcher's iteration. */
async function firstStep(store: GenericStore, opts: Partial<ListOptions>): Promise<IteratorResult<unknown>> {
  const w = await store.watch("ns", { ...LIST, ...opts }, FAR);
  try {
    return await w[Symbol.asyncIterator]().next();
  } finally {
    w.stop();
  }
}

describe("registry store: list", () => {
  it("pages with continue tokens and reads each page at the first page's revision", async () => {
    await withWidgets(3, async (store) => {
      const first = await store.list("ns", { ...LIST, limit: 2 });
      assert.deepEqual(first.items.map((o) => o.metadata.name), ["w0", "w1"]);
      assert.equal(first.metadata.remainingItemCount, 1);
      await store.create({ apiVersion: "", kind: "", metadata: { namespace: "ns", name: "w3" }, spec: {} }, { dryRun: false });
      const rest = await store.list("ns", { ...LIST, limit: 2, continue: first.metadata.continue! });
      assert.deepEqual(rest.items.map((o) => o.metadata.name), ["w2"]);
      assert.equal(rest.metadata.resourceVersion, first.metadata.resourceVersion);
      assert.equal(rest.metadata.continue, undefined);
    });
  });

  it("a compacted page snapshot: 410 with a token that continues at the latest revision", async () => {
    await withWidgets(3, async (store, storage) => {
      const first = await store.list("ns", { ...LIST, limit: 1 });
      await store.create({ apiVersion: "", kind: "", metadata: { namespace: "ns", name: "w3" }, spec: {} }, { dryRun: false });
      await storage.compact(await storage.currentRevision());
      const err = await statusOf(store.list("ns", { ...LIST, limit: 1, continue: first.metadata.continue! }));
      assert.equal(err.code, 410);
      const token = err.status.metadata.continue;
      assert.ok(token, "the 410 carries a continue token");
      assert.deepEqual(decodeContinue(token, store.prefix("ns")), { continueAfter: store.key("ns", "w0"), revision: -1 });
      const rest = await store.list("ns", { ...LIST, limit: 10, continue: token });
      assert.deepEqual(rest.items.map((o) => o.metadata.name), ["w1", "w2", "w3"]);
    });
  });

  it("selectors and resource versions that do not parse are 400s", async () => {
    await withWidgets(0, async (store) => {
      assert.equal((await statusOf(store.list("ns", { ...LIST, labelSelector: "a in (" }))).code, 400);
      assert.equal((await statusOf(store.list("ns", { ...LIST, fieldSelector: "spec.size=1" }))).status.message, "field label not supported: spec.size");
      assert.equal((await statusOf(store.list("ns", { ...LIST, resourceVersion: "x" }))).code, 400);
    });
  });
});

describe("registry store: get", () => {
  it("revisionOf names the latest revision, and nothing for a read at a given resourceVersion", async () => {
    await withWidgets(1, async (store) => {
      const obj = await store.get("ns", "w0");
      assert.equal(await store.revisionOf("ns", "w0", { resourceVersion: "" }), Number(obj.metadata.resourceVersion));
      assert.equal(await store.revisionOf("ns", "w0", { resourceVersion: obj.metadata.resourceVersion! }), undefined);
      assert.equal(await store.revisionOf("ns", "missing", { resourceVersion: "" }), undefined);
      assert.equal((await statusOf(store.revisionOf("ns", "w0", { resourceVersion: "-1" }))).code, 400);
    });
  });
});

describe("registry store: watch", () => {
  it("options that do not parse reject the call itself", async () => {
    await withWidgets(0, async (store) => {
      assert.equal((await statusOf(store.watch("ns", { ...LIST, labelSelector: "=x" }, FAR))).code, 400);
      assert.equal((await statusOf(store.watch("ns", { ...LIST, resourceVersion: "1.5" }, FAR))).code, 400);
    });
  });

  it("a start from a compacted revision is a 410 from the iteration, as kube's error watcher", async () => {
    await withWidgets(2, async (store, storage) => {
      await storage.compact(await storage.currentRevision());
      const err = await statusOf(firstStep(store, { resourceVersion: "1" }));
      assert.equal(err.code, 410);
      assert.equal(err.status.reason, "Expired");
    });
  });

  it("a storage error on the way is a StatusError from the iteration", async () => {
    const unreachable = new StorageError("Unreachable", "/", "etcd has no leader");
    const storage = new Proxy({} as Storage, {
      get: (_t, prop) => {
        if (prop !== "watch") return undefined;
        return () => ({ stop() {}, [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(unreachable) }) });
      },
    });
    const err = await statusOf(firstStep(storeOver(storage), {}));
    assert.equal(err.code, 504);
    assert.equal(err.status.details?.retryAfterSeconds, 2);
  });

  it("sendInitialEvents=false starts at the current revision: no ADDED for what exists", async () => {
    await withWidgets(1, async (store) => {
      const w = await store.watch("ns", { ...LIST, sendInitialEvents: false, resourceVersionMatch: "NotOlderThan" }, FAR);
      const events = w[Symbol.asyncIterator]();
      const next = events.next();
      await store.create({ apiVersion: "", kind: "", metadata: { namespace: "ns", name: "later" }, spec: {} }, { dryRun: false });
      const first = await next;
      w.stop();
      assert.equal(first.done, false);
      assert.equal(first.value.type, "ADDED");
      assert.equal(first.value.object.metadata.name, "later");
    });
  });
});
