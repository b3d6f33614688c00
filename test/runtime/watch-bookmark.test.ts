/**
 * Watch bookmarks as kube-apiserver sends them (checked against k8s.io/apiserver):
 * - pkg/storage/cacher/cache_watcher.go `nextBookmarkTime`: a watcher that allows bookmarks
 *   gets one 2 s before its deadline (`deadline.Add(-2 * time.Second)`) and otherwise about
 *   every defaultBookmarkFrequency (cacher.go, a minute); cacher.go dispatches them from
 *   one-second buckets, so kube's pre-timeout bookmark comes 2-3 s before the end.
 * - pkg/endpoints/handlers/get.go handleWatch: timeoutSeconds becomes the context deadline
 *   the cacher reads (`ctx.Deadline()` in cacher.go Watch).
 * - cacher.go dispatchEvents: the bookmark carries the cache's latest revision
 *   (lastProcessedResourceVersion); cache_watcher.go `process` sends it only when that is
 *   newer than where the watch started, so a quiet watch gets none; convertToWatchEvent
 *   annotates `k8s.io/initial-events-end` only on the bookmark that ends a watch-list's
 *   initial events.
 * - Without the watch cache (pkg/storage/etcd3/watcher.go) external clients get no
 *   bookmarks: etcd progress notifications are only for internal clients (ProgressNotify in
 *   pkg/storage/interfaces.go); a watch-list still ends its initial events with one.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ResourceHandlerOptions } from "../../runtime/src/endpoints/env.js";
import { nextBookmarkTime, PRE_TIMEOUT_BOOKMARK_MS } from "../../runtime/src/storage/cacher/bookmark-schedule.js";
import { call, ns, startHarness, WatchStream, widget, type Harness } from "./harness.js";

const INITIAL_EVENTS_END = "k8s.io/initial-events-end";

interface Arrival {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  event: any;
  /** Milliseconds since the watch request was sent. */
  after: number;
}

/** Opens a watch and reads it to its end (the server's timeout), noting when each event came. */
async function watchToEnd(h: Harness, query: string, whileOpen: () => Promise<void> = async () => {}): Promise<Arrival[]> {
  const sent = Date.now();
  const w = await WatchStream.open(h, `${ns()}?watch=true&${query}`);
  try {
    assert.equal(w.status, 200);
    await whileOpen();
    const out: Arrival[] = [];
    for (;;) {
      // generous: the stream itself must end at its timeoutSeconds
      const event = await w.next(20_000);
      if (event === null) return out;
      out.push({ event, after: Date.now() - sent });
    }
  } finally {
    w.close();
  }
}

async function withHarness<T>(opts: ResourceHandlerOptions, watchCache: boolean, fn: (h: Harness) => Promise<T>): Promise<T> {
  const h = await startHarness(opts, undefined, {}, { watchCache });
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

async function create(h: Harness, name: string): Promise<number> {
  const r = await call(h, "POST", ns(), widget(name));
  assert.equal(r.status, 201, r.text);
  return Number(r.body.metadata.resourceVersion);
}

/** The collection's current resourceVersion (a consistent list). */
async function currentRV(h: Harness): Promise<number> {
  return Number((await call(h, "GET", ns())).body.metadata.resourceVersion);
}

const bookmarks = (evs: Arrival[]) => evs.filter((a) => a.event.type === "BOOKMARK");

describe("nextBookmarkTime (cache_watcher.go)", () => {
  it("every frequency, the last one 2 s before the deadline, none once that is past", () => {
    const minute = 60_000;
    assert.equal(nextBookmarkTime(1_000, minute), 1_000 + minute);
    assert.equal(nextBookmarkTime(1_000, minute, 1_000 + 10 * minute), 1_000 + minute);
    assert.equal(nextBookmarkTime(1_000, minute, 7_000), 7_000 - PRE_TIMEOUT_BOOKMARK_MS);
    assert.equal(PRE_TIMEOUT_BOOKMARK_MS, 2_000);
    // requeued right after the pre-timeout bookmark, or started within 2 s of the end: no more
    assert.equal(nextBookmarkTime(5_000, minute, 7_000), undefined);
    assert.equal(nextBookmarkTime(6_000, minute, 7_000), undefined);
  });
});

describe("watch bookmarks", { concurrency: true }, () => {
  it("allowWatchBookmarks with timeoutSeconds=6: one BOOKMARK at the latest revision, 2 s before the end", async () => {
    await withHarness({}, true, async (h) => {
      await create(h, "before");
      const from = await currentRV(h); // also: the cache has filled
      let written = 0;
      const evs = await watchToEnd(h, `allowWatchBookmarks=true&timeoutSeconds=6&resourceVersion=${from}`, async () => {
        written = await create(h, "during");
      });
      const latest = await currentRV(h);
      assert.deepEqual(
        evs.map((a) => a.event.type),
        ["ADDED", "BOOKMARK"],
      );
      const [b] = bookmarks(evs);
      assert.equal(b!.event.object.kind, "Widget");
      assert.equal(b!.event.object.apiVersion, "test.skai.io/v1");
      const rv = Number(b!.event.object.metadata.resourceVersion);
      assert.ok(rv >= written && rv <= latest, `bookmark at ${rv}, last write ${written}, latest ${latest}`);
      assert.equal(b!.event.object.metadata.annotations, undefined);
      // not the periodic one (a minute away) but the pre-timeout one: at deadline - 2 s, which
      // kube's one-second buckets may bring up to a second earlier; it came before the end
      assert.ok(b!.after >= 6_000 - PRE_TIMEOUT_BOOKMARK_MS - 1_000, `bookmark after ${b!.after} ms`);
    });
  });

  it("without allowWatchBookmarks: no BOOKMARK before the end", async () => {
    await withHarness({}, true, async (h) => {
      await create(h, "before");
      const from = await currentRV(h); // also: the cache has filled
      const evs = await watchToEnd(h, `timeoutSeconds=3&resourceVersion=${from}`, async () => void (await create(h, "during")));
      assert.deepEqual(evs.map((a) => a.event.type), ["ADDED"]);
    });
  });

  it("a quiet watch gets no BOOKMARK: nothing is newer than where it started", async () => {
    await withHarness({}, true, async (h) => {
      await create(h, "before");
      const from = await currentRV(h);
      const evs = await watchToEnd(h, `allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=${from}`);
      assert.deepEqual(evs, []);
      // unset resourceVersion: the synthetic ADDED state, then nothing newer either
      const fromNow = await watchToEnd(h, "allowWatchBookmarks=true&timeoutSeconds=3");
      assert.deepEqual(fromNow.map((a) => a.event.type), ["ADDED"]);
    });
  });

  it("periodic bookmarks (the frequency, kube's minute, shortened here) at the latest revision", async () => {
    await withHarness({ bookmarkIntervalMs: 200 }, true, async (h) => {
      await create(h, "before");
      const from = await currentRV(h); // also: the cache has filled
      const w = await WatchStream.open(h, `${ns()}?watch=true&allowWatchBookmarks=true&timeoutSeconds=60&resourceVersion=${from}`);
      try {
        const written = await create(h, "during");
        assert.equal((await w.next(10_000)).type, "ADDED");
        // the deadline is a minute away: these are the periodic ones, each at the latest revision
        for (let i = 0; i < 2; i++) {
          const b = await w.next(10_000);
          assert.equal(b.type, "BOOKMARK");
          assert.equal(Number(b.object.metadata.resourceVersion), written);
        }
      } finally {
        w.close();
      }
    });
  });

  it("watch-list: only the bookmark ending the initial events carries k8s.io/initial-events-end", async () => {
    await withHarness({}, true, async (h) => {
      await create(h, "before");
      const w = await WatchStream.open(h, `${ns()}?watch=true&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=6`);
      try {
        assert.equal((await w.next(10_000)).type, "ADDED");
        const end = await w.next(10_000);
        assert.equal(end.type, "BOOKMARK");
        assert.deepEqual(end.object.metadata.annotations, { [INITIAL_EVENTS_END]: "true" });
        const written = await create(h, "during");
        assert.equal((await w.next(10_000)).object.metadata.name, "during");
        const last = await w.next(20_000);
        assert.equal(last.type, "BOOKMARK");
        assert.equal(last.object.metadata.annotations, undefined);
        assert.ok(Number(last.object.metadata.resourceVersion) >= written);
        assert.equal(await w.next(20_000), null);
      } finally {
        w.close();
      }
    });
  });

  it("--watch-cache=false: no bookmarks but the watch-list one (kube's etcd3 watcher)", async () => {
    await withHarness({ bookmarkIntervalMs: 200 }, false, async (h) => {
      await create(h, "before");
      const from = await currentRV(h);
      const evs = await watchToEnd(h, `allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=${from}`, async () => void (await create(h, "during")));
      assert.deepEqual(evs.map((a) => a.event.type), ["ADDED"]);
      const list = await watchToEnd(h, "allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=3");
      assert.deepEqual(list.map((a) => a.event.type), ["ADDED", "ADDED", "BOOKMARK"]);
      assert.deepEqual(list[2]!.event.object.metadata.annotations, { [INITIAL_EVENTS_END]: "true" });
    });
  });
});
