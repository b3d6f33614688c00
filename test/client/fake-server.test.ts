// Watch, informer and transport behaviour against a small in-memory apiserver, so the
// resume / relist / no-duplicate logic is tested apart from the real server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ClientBase, SharedInformer, isAlreadyExists, isConflict, isNotFound, isTooManyRequests, retryOnConflict, type WatchEvent } from "../../client/src/index.js";
import { FakeApiServer, widgets, type Obj } from "./helpers/fake-apiserver.js";

let fake: FakeApiServer;
let client: ClientBase;

before(async () => {
  fake = new FakeApiServer();
  const port = await fake.start();
  client = new ClientBase({ kubeConfig: fake.kubeConfig(port), timeoutMs: 5_000 });
});
after(async () => {
  client.close();
  await fake.stop();
});

const mk = (name: string, labels: Record<string, string> = {}): Obj => ({ metadata: { name, labels }, spec: { n: 1 } });

async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting for condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("verbs: create, get, list pages, update with conflict, delete; errors typed", async () => {
  const w = client.resource<Obj>(widgets, "verbs");
  const created = await w.create({ metadata: { name: "a" }, spec: { n: 1 } });
  assert.equal(created.metadata.resourceVersion !== undefined, true);
  await assert.rejects(w.create({ metadata: { name: "a" } }), (e) => isAlreadyExists(e));
  const got = await w.get("a");
  assert.deepEqual(got.spec, { n: 1 });
  await w.update({ ...got, spec: { n: 2 } });
  await assert.rejects(w.update({ ...got, spec: { n: 3 } }), (e) => isConflict(e));
  await retryOnConflict(async () => {
    const cur = await w.get("a");
    await w.update({ ...cur, spec: { n: 3 } });
  });
  assert.deepEqual((await w.get("a")).spec, { n: 3 });
  for (let i = 0; i < 25; i++) await w.create(mk(`p${String(i).padStart(2, "0")}`));
  const names: string[] = [];
  for await (const o of w.listAll({ limit: 10 })) names.push(o.metadata.name);
  assert.equal(names.length, 26);
  assert.equal(new Set(names).size, 26);
  assert.equal(fake.requests.filter((r) => r.includes("/namespaces/verbs/widgets?limit=10")).length, 3);
  await w.delete("a");
  await assert.rejects(w.get("a"), (e) => isNotFound(e));
});

test("cancellation and timeouts: an aborted or timed-out request rejects", async () => {
  const w = client.resource<Obj>(widgets, "verbs");
  const ctrl = new AbortController();
  ctrl.abort();
  await assert.rejects(w.list({ signal: ctrl.signal }), (e: Error) => e.name === "AbortError");
  // A watch request never ends by itself: a list-like timeout must cut it. Use the raw transport.
  await assert.rejects(client.transport.json({ method: "GET", path: "/apis/test.io/v1/namespaces/t/widgets?watch=1&resourceVersion=0", timeoutMs: 100 }), (e: Error) => e.name === "TimeoutError");
});

test("watch resumes after dropped connections without losing or repeating events, and relists on 410", async () => {
  const ns = "watch";
  const w = client.resource<Obj>(widgets, ns);
  await w.create(mk("pre"));
  const events: Array<WatchEvent<Obj>> = [];
  const watch = w.watch();
  const done = (async () => {
    for await (const ev of watch) events.push(ev);
  })();
  await until(() => events.length === 1);
  assert.deepEqual([events[0]!.type, events[0]!.object.metadata.name], ["ADDED", "pre"]);

  await w.create(mk("x1"));
  await until(() => events.length === 2);
  fake.dropWatches();
  // Changes while disconnected come from history on resume.
  await w.create(mk("x2"));
  await until(() => events.length === 3);
  assert.deepEqual(events.map((e) => `${e.type}:${e.object.metadata.name}`), ["ADDED:pre", "ADDED:x1", "ADDED:x2"]);

  // History lost while disconnected: the resume gets 410, the watch lists and emits the difference.
  fake.silently(() => {
    fake.put({ ...fake.objects.get(`${ns}/x1`)!, spec: { n: 9 } });
    fake.remove(ns, "x2");
    fake.put({ metadata: { name: "x3", namespace: ns }, spec: {} });
  });
  fake.compact();
  fake.dropWatches();
  await until(() => events.length === 6);
  assert.deepEqual(events.slice(3).map((e) => `${e.type}:${e.object.metadata.name}`).sort(), ["ADDED:x3", "DELETED:x2", "MODIFIED:x1"]);
  // And it keeps watching from the relist's version.
  await w.delete("pre");
  await until(() => events.length === 7);
  assert.equal(`${events[6]!.type}:${events[6]!.object.metadata.name}`, "DELETED:pre");
  watch.close();
  await done;
});

test("watch survives a server restart (connection refused for a while)", async () => {
  const ns = "restart";
  const w = client.resource<Obj>(widgets, ns);
  const events: string[] = [];
  const watch = w.watch({ resourceVersion: String(fake.rv) });
  const done = (async () => {
    for await (const ev of watch) events.push(`${ev.type}:${ev.object.metadata.name}`);
  })();
  await new Promise((r) => setTimeout(r, 100));
  const port = (fake.server.address() as { port: number }).port;
  await fake.stop();
  fake.put({ metadata: { name: "during", namespace: ns }, spec: {} }); // happens while "down"; kept in history
  await new Promise((r) => setTimeout(r, 500));
  const restarted = new FakeApiServer();
  Object.assign(restarted, { rv: fake.rv });
  for (const [k, v] of fake.objects) restarted.objects.set(k, v);
  (restarted as unknown as { history: unknown }).history = (fake as unknown as { history: unknown }).history;
  fake = restarted;
  await fake.start(port);
  await until(() => events.length === 1);
  assert.deepEqual(events, ["ADDED:during"]);
  watch.close();
  await done;
});

test("informer: syncs, dispatches add/update/delete once each across drops and 410 relists, lister queries the cache", async () => {
  const ns = "inf";
  const w = client.resource<Obj>(widgets, ns);
  for (let i = 0; i < 30; i++) await w.create(mk(`o${i}`, { group: String(i % 3) }));
  const inf = new SharedInformer<Obj>(w, { indexers: { byGroup: (o) => [o.metadata.labels?.group ?? ""] } });
  const adds = new Map<string, number>();
  const dels = new Map<string, number>();
  let updates = 0;
  let initial = 0;
  inf.addEventHandler({
    onAdd: (o, isInitial) => {
      adds.set(o.metadata.name, (adds.get(o.metadata.name) ?? 0) + 1);
      if (isInitial) initial++;
    },
    onUpdate: () => void updates++,
    onDelete: (o) => void dels.set(o.metadata.name, (dels.get(o.metadata.name) ?? 0) + 1),
  });
  inf.start();
  await inf.waitForSync();
  assert.equal(inf.hasSynced(), true);
  assert.equal(initial, 30);
  assert.equal(inf.lister.namespace(ns).list({ group: "1" }).length, 10);
  assert.equal(inf.lister.byIndex("byGroup", "2").length, 10);

  await w.create(mk("new"));
  await until(() => adds.has("new"));
  fake.dropWatches();
  await w.delete("o0");
  await until(() => dels.has("o0"));
  fake.silently(() => {
    fake.remove(ns, "o1");
    fake.put({ ...fake.objects.get(`${ns}/o2`)!, spec: { n: 5 } });
    fake.put({ metadata: { name: "late", namespace: ns }, spec: {} });
  });
  fake.compact();
  fake.dropWatches();
  await until(() => dels.has("o1") && adds.has("late") && updates >= 1);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok([...adds.values()].every((n) => n === 1), "no object added twice");
  assert.ok([...dels.values()].every((n) => n === 1), "no object deleted twice");
  assert.equal(updates, 1);
  assert.equal(inf.indexer.size, 30); // 30 + new + late - o0 - o1
  assert.deepEqual(inf.lister.namespace(ns).get("o2")?.spec, { n: 5 });
  inf.stop();
});

test("log: streamed text, with follow until aborted; errors before streaming are ApiErrors", async () => {
  const w = client.resource<Obj>(widgets, "logs");
  await w.create(mk("l"));
  const got: string[] = [];
  // Byte chunks or whole lines: split either way.
  for await (const chunk of await w.log("l", { tailLines: 2 })) got.push(...String(chunk).split("\n").filter(Boolean));
  assert.deepEqual(got, ["l line 0", "l line 1"]);
  assert.ok(fake.requests.some((r) => r === "GET /apis/test.io/v1/namespaces/logs/widgets/l/log?tailLines=2"));

  const ctrl = new AbortController();
  const lines: string[] = [];
  const stream = await w.log("l", { follow: true, tailLines: 1, signal: ctrl.signal });
  await assert.rejects(
    (async () => {
      for await (const chunk of stream) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        if (lines.length >= 4) ctrl.abort();
      }
    })(),
    (e: Error) => e.name === "AbortError",
  );
  assert.deepEqual(lines.slice(0, 4), ["l line 0", "l line 1", "l line 2", "l line 3"]);
  await assert.rejects(w.log("missing"), (e) => isNotFound(e));
});

test("exec credential plugins: a rotated token is fetched again after a 401", async () => {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { KubeConfig } = await import("@kubernetes/client-node");
  const dir = mkdtempSync(join(tmpdir(), "skai-exec-"));
  const tokenFile = join(dir, "token");
  const plugin = join(dir, "plugin.cjs");
  writeFileSync(tokenFile, "secret");
  // A kubectl-style exec plugin: prints an ExecCredential with the token in the file.
  writeFileSync(
    plugin,
    `const t = require("fs").readFileSync(process.argv[2], "utf8"); console.log(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: t } }));`,
  );
  const port = (fake.server.address() as { port: number }).port;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "fake", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "u", exec: { apiVersion: "client.authentication.k8s.io/v1", command: process.execPath, args: [plugin, tokenFile], interactiveMode: "Never" } }],
    contexts: [{ name: "fake", cluster: "fake", user: "u" }],
    currentContext: "fake",
  });
  const c = new ClientBase({ kubeConfig: kc });
  try {
    const w = c.resource<Obj>(widgets, "exec");
    assert.equal((await w.list()).items.length, 0);
    writeFileSync(tokenFile, "rotated");
    fake.token = "rotated";
    assert.equal((await w.list()).items.length, 0);
  } finally {
    fake.token = "secret";
    c.close();
  }
});

test("informer factory shares one informer per kind and selection; resync re-delivers cached objects as updates", async () => {
  const ns = "resync";
  const w = client.resource<Obj>(widgets, ns);
  await w.create(mk("r1"));
  const a = client.informerFactory.informerFor<Obj>(widgets, { namespace: ns });
  const b = client.informerFactory.informerFor<Obj>(widgets, { namespace: ns, indexers: { byName: (o) => [o.metadata.name] } });
  assert.equal(a, b);
  assert.notEqual(a, client.informerFactory.informerFor<Obj>(widgets, { namespace: ns, labelSelector: "x=y" }));
  let resyncs = 0;
  const reg = a.addEventHandler({ onUpdate: (old, cur) => void (old === cur && resyncs++) }, 30);
  client.informerFactory.start();
  await client.informerFactory.waitForCacheSync();
  assert.equal(a.lister.byIndex("byName", "r1").length, 1);
  await until(() => resyncs >= 3);
  reg.remove();
  // A handler added after sync first sees the cache as adds.
  const late: string[] = [];
  a.addEventHandler({ onAdd: (o, initial) => void late.push(`${o.metadata.name}:${initial}`) });
  assert.deepEqual(late, ["r1:true"]);
  client.informerFactory.shutdown();
});

test("429 with Retry-After is retried a few times, then surfaces as TooManyRequests", async () => {
  const w = client.resource<Obj>(widgets, "throttle");
  fake.throttle = 2;
  assert.equal((await w.list()).items.length, 0);
  fake.throttle = 100;
  await assert.rejects(w.list(), (e) => isTooManyRequests(e));
  assert.equal(fake.throttle, 100 - 6);
  fake.throttle = 0;
});
