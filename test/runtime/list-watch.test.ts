import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GV, WatchStream, call, ns, startHarness, widget, type Harness } from "./harness.js";

const names = (r: { body: { items: Array<{ metadata: { name: string } }> } }) => r.body.items.map((i) => i.metadata.name);

describe("list", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    for (let i = 0; i < 5; i++) {
      await call(h, "POST", ns(), widget(`w${i}`, { replicas: i, color: i % 2 ? "red" : "blue" }, { labels: { idx: String(i), tier: i < 2 ? "front" : "back" } }));
    }
    await call(h, "POST", ns("other"), widget("o1", { replicas: 1 }, { labels: { tier: "front" } }));
  });
  after(() => h.close());

  it("lists with kind, apiVersion, resourceVersion", async () => {
    const r = await call(h, "GET", ns());
    assert.equal(r.status, 200);
    assert.equal(r.body.kind, "WidgetList");
    assert.equal(r.body.apiVersion, GV);
    assert.ok(r.body.metadata.resourceVersion);
    assert.deepEqual(names(r), ["w0", "w1", "w2", "w3", "w4"]);
    const all = await call(h, "GET", `/apis/${GV}/widgets`);
    assert.equal(all.body.items.length, 6);
  });

  it("label selectors with the full syntax", async () => {
    const q = async (s: string) => names(await call(h, "GET", `${ns()}?labelSelector=${encodeURIComponent(s)}`));
    assert.deepEqual(await q("tier=front"), ["w0", "w1"]);
    assert.deepEqual(await q("tier==front,idx!=0"), ["w1"]);
    assert.deepEqual(await q("idx in (1, 3)"), ["w1", "w3"]);
    assert.deepEqual(await q("idx notin (1,3),tier"), ["w0", "w2", "w4"]);
    assert.deepEqual(await q("!nolabel"), ["w0", "w1", "w2", "w3", "w4"]);
    assert.deepEqual(await q("idx>2"), ["w3", "w4"]);
    const bad = await call(h, "GET", `${ns()}?labelSelector=${encodeURIComponent("a b")}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    const trailing = await call(h, "GET", `${ns()}?labelSelector=${encodeURIComponent("a=b c")}`);
    assert.equal(trailing.body.message, "found 'c', expected: ',' or 'end of string'");
    const badKey = await call(h, "GET", `${ns()}?labelSelector=${encodeURIComponent("-x=1")}`);
    assert.equal(badKey.status, 400);
    // kube's parser validates the key against a nil field path: kube-apiserver answers `<nil>: Invalid value`
    assert.match(badKey.body.message, /^unable to parse requirement: <nil>: Invalid value: "-x": name part must consist of/);
  });

  it("field selectors: metadata and selectable fields; unknown is 400", async () => {
    const q = async (s: string) => call(h, "GET", `${ns()}?fieldSelector=${encodeURIComponent(s)}`);
    assert.deepEqual(names(await q("metadata.name=w2")), ["w2"]);
    assert.deepEqual(names(await q("spec.color=red")), ["w1", "w3"]);
    assert.deepEqual(names(await q("spec.color!=red,metadata.name!=w0")), ["w2", "w4"]);
    const bad = await q("spec.replicas=1");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, "field label not supported: spec.replicas");
  });

  it("pages over a consistent snapshot with kube's continue token", async () => {
    const p1 = await call(h, "GET", `${ns()}?limit=2`);
    assert.deepEqual(names(p1), ["w0", "w1"]);
    assert.equal(p1.body.metadata.remainingItemCount, 3);
    const tok = JSON.parse(Buffer.from(p1.body.metadata.continue, "base64url").toString());
    assert.equal(tok.v, "meta.k8s.io/v1");
    assert.equal(tok.rv, Number(p1.body.metadata.resourceVersion));
    assert.equal(tok.start, "w1\u0000");
    // a change after the first page is not visible in later pages
    const w3 = (await call(h, "GET", `${ns()}/w3`)).body;
    w3.metadata.labels.changed = "yes";
    await call(h, "PUT", `${ns()}/w3`, w3);
    await call(h, "DELETE", `${ns()}/w4`);
    const p2 = await call(h, "GET", `${ns()}?limit=2&continue=${p1.body.metadata.continue}`);
    assert.deepEqual(names(p2), ["w2", "w3"]);
    assert.equal(p2.body.metadata.resourceVersion, p1.body.metadata.resourceVersion);
    assert.equal(p2.body.items[1].metadata.labels.changed, undefined);
    const p3 = await call(h, "GET", `${ns()}?limit=2&continue=${p2.body.metadata.continue}`);
    assert.deepEqual(names(p3), ["w4"]);
    assert.equal(p3.body.metadata.continue, undefined);
    assert.equal(p3.body.metadata.remainingItemCount, undefined);
    const bad = await call(h, "GET", `${ns()}?continue=garbage`);
    assert.equal(bad.status, 400);
    const withRV = await call(h, "GET", `${ns()}?limit=2&resourceVersion=5&continue=${p1.body.metadata.continue}`);
    assert.equal(withRV.status, 400);
    assert.equal(withRV.body.message, "specifying resource version is not allowed when using continue");
    // expired snapshot -> 410 with a fresh token
    await h.storage.compact(await h.storage.currentRevision());
    const gone = await call(h, "GET", `${ns()}?limit=2&continue=${p1.body.metadata.continue}`);
    assert.equal(gone.status, 410);
    assert.equal(gone.body.reason, "Expired");
    assert.match(gone.body.message, /^The provided continue parameter is too old/);
    const fresh = JSON.parse(Buffer.from(gone.body.metadata.continue, "base64url").toString());
    assert.equal(fresh.rv, -1);
    const resumed = await call(h, "GET", `${ns()}?limit=10&continue=${gone.body.metadata.continue}`);
    assert.deepEqual(names(resumed), ["w2", "w3"]);
  });

  it("ListOptions validation is 422", async () => {
    const r = await call(h, "GET", `${ns()}?resourceVersionMatch=Exact`);
    assert.equal(r.status, 422);
    assert.equal(
      r.body.message,
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
    const s = await call(h, "GET", `${ns()}?sendInitialEvents=true`);
    assert.equal(s.status, 422);
    const exp = await call(h, "GET", `${ns()}?resourceVersion=1&resourceVersionMatch=Exact`);
    assert.equal(exp.status, 410);
  });

  it("Table output with columns, priorities and PartialObjectMetadata rows", async () => {
    const accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    const r = await call(h, "GET", `${ns()}?limit=500`, undefined, { accept });
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "application/json");
    assert.equal(r.body.kind, "Table");
    assert.equal(r.body.apiVersion, "meta.k8s.io/v1");
    assert.deepEqual(
      r.body.columnDefinitions.map((c: { name: string; priority: number; format: string }) => [c.name, c.priority, c.format]),
      [["Name", 0, "name"], ["Replicas", 0, ""], ["Phase", 0, ""], ["Extra", 1, ""], ["Age", 0, ""]],
    );
    const row = r.body.rows[0];
    assert.equal(row.cells[0], "w0");
    assert.equal(row.cells[1], 0);
    assert.equal(row.cells[2], null);
    assert.match(row.cells[4], /^\d+s$/);
    assert.equal(row.object.kind, "PartialObjectMetadata");
    assert.equal(row.object.apiVersion, "meta.k8s.io/v1");
    assert.equal(row.object.metadata.name, "w0");
    const none = await call(h, "GET", `${ns()}?includeObject=None`, undefined, { accept });
    assert.equal(none.body.rows[0].object, null);
    const full = await call(h, "GET", `${ns()}/w0?includeObject=Object`, undefined, { accept });
    assert.equal(full.body.rows[0].object.kind, "Widget");
    const bad = await call(h, "GET", `${ns()}?includeObject=Some`, undefined, { accept });
    assert.equal(bad.status, 400);
    const v1b1 = await call(h, "GET", ns(), undefined, { accept: "application/json;as=Table;v=v1beta1;g=meta.k8s.io" });
    assert.equal(v1b1.body.apiVersion, "meta.k8s.io/v1beta1");
  });

  it("PartialObjectMetadataList and 406", async () => {
    const accept = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    const r = await call(h, "GET", ns(), undefined, { accept });
    assert.equal(r.body.kind, "PartialObjectMetadataList");
    assert.equal(r.body.items[0].kind, "PartialObjectMetadata");
    assert.equal(r.body.items[0].spec, undefined);
    const one = await call(h, "GET", `${ns()}/w0`, undefined, { accept: "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1" });
    assert.equal(one.body.kind, "PartialObjectMetadata");
    const na = await call(h, "GET", ns(), undefined, { accept: "text/html" });
    assert.equal(na.status, 406);
    assert.equal(na.body.reason, "NotAcceptable");
  });
});

describe("watch", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ bookmarkIntervalMs: 100 });
    await call(h, "POST", ns(), widget("a", { replicas: 1 }, { labels: { app: "x" } }));
    await call(h, "POST", ns(), widget("b", { replicas: 1 }, { labels: { app: "y" } }));
  });
  after(() => h.close());

  it("RV unset: synthetic ADDED, then changes; headers flushed at once", async () => {
    const w = await WatchStream.open(h, `${ns()}?watch=true`);
    assert.equal(w.status, 200);
    assert.equal(w.headers["content-type"], "application/json");
    const e1 = await w.next();
    const e2 = await w.next();
    assert.deepEqual([e1.type, e1.object.metadata.name, e2.type, e2.object.metadata.name], ["ADDED", "a", "ADDED", "b"]);
    assert.equal(e1.object.kind, "Widget");
    await call(h, "POST", ns(), widget("c"));
    const e3 = await w.next();
    assert.equal(e3.type, "ADDED");
    assert.equal(e3.object.metadata.name, "c");
    await call(h, "DELETE", `${ns()}/c`);
    assert.equal((await w.next()).type, "DELETED");
    w.close();
  });

  it("RV=N: only changes after N; name watch with RV=0 starts with the object", async () => {
    const list = await call(h, "GET", ns());
    const w = await WatchStream.open(h, `${ns()}?watch=1&resourceVersion=${list.body.metadata.resourceVersion}`);
    const byName = await WatchStream.open(h, `${ns()}?watch=1&resourceVersion=0&fieldSelector=metadata.name%3Da`);
    const first = await byName.next();
    assert.equal(first.type, "ADDED");
    assert.equal(first.object.metadata.name, "a");
    const a = (await call(h, "GET", `${ns()}/a`)).body;
    a.spec.replicas = 2;
    await call(h, "PUT", `${ns()}/a`, a);
    const e = await w.next();
    assert.equal(e.type, "MODIFIED");
    assert.equal(e.object.spec.replicas, 2);
    assert.equal((await byName.next()).type, "MODIFIED");
    w.close();
    byName.close();
  });

  it("label selector transitions: MODIFIED into ADDED / DELETED", async () => {
    const from = (await call(h, "GET", ns())).body.metadata.resourceVersion;
    const w = await WatchStream.open(h, `${ns()}?watch=true&labelSelector=app%3Dy&resourceVersion=${from}`);
    const all = await WatchStream.open(h, `${ns()}?watch=true&resourceVersion=${from}`);
    const a = (await call(h, "GET", `${ns()}/a`)).body;
    a.metadata.labels.app = "y";
    const u = await call(h, "PUT", `${ns()}/a`, a);
    const added = await w.next();
    assert.deepEqual([added.type, added.object.metadata.name], ["ADDED", "a"]);
    u.body.metadata.labels.app = "x";
    await call(h, "PUT", `${ns()}/a`, u.body);
    const left = await w.next();
    assert.deepEqual([left.type, left.object.metadata.name], ["DELETED", "a"]);
    // the leaving object is the last state that matched, at the new revision
    assert.equal(left.object.metadata.labels.app, "y");
    await all.next();
    const modified = await all.next();
    assert.equal(modified.type, "MODIFIED");
    assert.equal(modified.object.metadata.labels.app, "x");
    assert.equal(modified.object.metadata.resourceVersion, left.object.metadata.resourceVersion);
    w.close();
    all.close();
  });

  it("bookmarks and sendInitialEvents", async () => {
    const w = await WatchStream.open(h, `${ns()}?watch=true&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`);
    const seen: string[] = [];
    for (;;) {
      const e = await w.next();
      seen.push(e.type);
      if (e.type === "BOOKMARK") {
        assert.equal(e.object.kind, "Widget");
        assert.equal(e.object.apiVersion, GV);
        assert.deepEqual(e.object.metadata.annotations, { "k8s.io/initial-events-end": "true" });
        break;
      }
    }
    assert.deepEqual(seen, ["ADDED", "ADDED", "BOOKMARK"]);
    // later bookmarks (periodic, before the deadline) come from the watch cache: watch-bookmark.test.ts
    w.close();
    const bad = await call(h, "GET", `${ns()}?watch=true&sendInitialEvents=true`);
    assert.equal(bad.status, 422);
  });

  it("compacted resourceVersion: ERROR 410 inside a 200 stream", async () => {
    await call(h, "POST", ns(), widget("z"));
    await h.storage.compact(await h.storage.currentRevision());
    const w = await WatchStream.open(h, `${ns()}?watch=true&resourceVersion=1`);
    assert.equal(w.status, 200);
    const e = await w.next();
    assert.equal(e.type, "ERROR");
    assert.equal(e.object.kind, "Status");
    assert.equal(e.object.code, 410);
    assert.equal(e.object.reason, "Expired");
    assert.match(e.object.message, /^too old resource version: 1 \(\d+\)$/);
    assert.equal(await w.next(), null);
  });

  it("timeoutSeconds ends the stream", async () => {
    const w = await WatchStream.open(h, `${ns()}?watch=true&timeoutSeconds=1&resourceVersion=${await h.storage.currentRevision()}`);
    const start = Date.now();
    assert.equal(await w.next(3000), null);
    assert.ok(Date.now() - start >= 900);
  });

  it("Table watch: column definitions only on the first event; PartialObjectMetadata watch", async () => {
    const t = await WatchStream.open(h, `${ns()}?watch=true`, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
    const e1 = await t.next();
    const e2 = await t.next();
    assert.equal(e1.object.kind, "Table");
    assert.ok(Array.isArray(e1.object.columnDefinitions));
    assert.equal(e2.object.columnDefinitions, null);
    assert.equal(e2.object.rows.length, 1);
    t.close();
    const p = await WatchStream.open(h, `${ns()}?watch=true`, { accept: "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1" });
    const pe = await p.next();
    assert.equal(pe.object.kind, "PartialObjectMetadata");
    assert.equal(pe.object.spec, undefined);
    p.close();
  });

  it("many watchers share one encoding of each event", async () => {
    const rv = await h.storage.currentRevision();
    const streams = await Promise.all(Array.from({ length: 50 }, () => WatchStream.open(h, `${ns()}?watch=true&resourceVersion=${rv}`)));
    const origStringify = JSON.stringify;
    let widgetStringifies = 0;
    JSON.stringify = ((v: unknown, ...rest: unknown[]) => {
      if (v && typeof v === "object" && (v as { kind?: string }).kind === "Widget") widgetStringifies++;
      return (origStringify as (...a: unknown[]) => string)(v, ...rest);
    }) as typeof JSON.stringify;
    try {
      await call(h, "POST", ns(), widget("shared"));
      const events = await Promise.all(streams.map((s) => s.next()));
      assert.ok(events.every((e) => e.type === "ADDED" && e.object.metadata.name === "shared"));
    } finally {
      JSON.stringify = origStringify;
    }
    // the test client's body, the storage's encoding, and one encoding shared by the 50
    // events and the create response
    assert.ok(widgetStringifies <= 3, `stringified ${widgetStringifies} times`);
    streams.forEach((s) => s.close());
  });
});
