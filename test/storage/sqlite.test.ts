import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createSqliteStorage, createStorage } from "../../runtime/src/storage/index.js";
import { SqliteBackend } from "../../runtime/src/storage/sqlite.js";
import { EventReader, PREFIX, flunder, key } from "./helpers.js";
import { runStorageSuite } from "./suite.js";

const dir = mkdtempSync(join(tmpdir(), "skai-storage-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runStorageSuite("sqlite", (opts) => createSqliteStorage(join(dir, `suite-${n++}`, "db.sqlite"), opts));

describe("sqlite specifics", () => {
  it("watchers get the written object as the write returns it, not a parse of the stored value", async () => {
    const s = createSqliteStorage(join(dir, "handover", "db.sqlite"), { compaction: false });
    const w = new EventReader(s.watch(PREFIX, { revision: await s.currentRevision(), recursive: true }));
    const created = await s.create(key("default", "x"), flunder("x"));
    const added = await w.next();
    assert.equal(added?.type, "ADDED");
    assert.equal(added.object, created, "the same object, shared");
    // ... and it is what a read of the stored value gives.
    assert.deepEqual(await s.get(key("default", "x")), created);
    const updated = await s.guaranteedUpdate(key("default", "x"), async (cur) => ({ ...cur, spec: { n: 2 } }));
    const modified = await w.next();
    assert.equal(modified?.type, "MODIFIED");
    assert.equal(modified.object, updated);
    assert.deepEqual(modified.prevObject, created);
    assert.deepEqual(await s.get(key("default", "x")), updated);
    w.watcher.stop();
    await s.close();
  });

  it("createStorage parses specs and creates parent directories", async () => {
    const s = createStorage(`sqlite:${join(dir, "a", "b", "c.db")}`);
    await s.create(key("default", "x"), flunder("x"));
    await s.close();
    const again = createStorage(`sqlite:${join(dir, "a", "b", "c.db")}`);
    assert.equal((await again.get(key("default", "x"))).metadata.name, "x");
    await again.close();
    const mem = createStorage("memory:");
    assert.equal(await mem.currentRevision(), 1);
    await mem.close();
    const inMem = createStorage("sqlite::memory:", { compaction: false });
    await inMem.create(key("default", "y"), flunder("y"));
    assert.equal(await inMem.count(PREFIX), 1);
    await inMem.close();
    assert.throws(() => createStorage("etcd://x"), /unknown storage spec/);
  });

  it("refuses a second opener of the same file", async () => {
    const path = join(dir, "locked", "db.sqlite");
    const s = createSqliteStorage(path);
    await s.create(key("default", "x"), flunder("x"));
    assert.throws(() => createSqliteStorage(path), /in use by another process/);
    await s.close();
    const again = createSqliteStorage(path);
    assert.equal(await again.count(PREFIX), 1);
    await again.close();
  });

  it("keeps revisions, compaction and history across reopen", async () => {
    const path = join(dir, "reopen", "db.sqlite");
    let s = createSqliteStorage(path);
    const a = await s.create(key("default", "a"), flunder("a", { v: 1 }));
    await s.guaranteedUpdate(key("default", "a"), (o) => ({ ...o, spec: { v: 2 } }));
    await s.compact(Number(a.metadata.resourceVersion));
    const rev = await s.currentRevision();
    await s.close();
    s = createSqliteStorage(path);
    assert.equal(await s.currentRevision(), rev);
    assert.equal(await s.compactedRevision(), Number(a.metadata.resourceVersion));
    const w = new EventReader(s.watch(PREFIX, { revision: Number(a.metadata.resourceVersion), recursive: true }));
    const [ev] = await w.take(1);
    assert.equal(ev!.type, "MODIFIED");
    assert.deepEqual(ev!.prevObject, a);
    w.stop();
    await s.close();
  });

  // etcd's txn semantics, which kube's GuaranteedUpdate relies on: each write is its own
  // compare-and-swap with its own revision, whatever other writes share its commit.
  it("group commit: writes queued together share a transaction, each with its own compare-and-swap and revision", async () => {
    const b = new SqliteBackend(join(dir, "group", "db.sqlite"));
    const x = await b.write({ key: "/k/x", value: "x1", expect: 0 });
    assert.ok(x.ok);
    const start = b.currentRevision();
    const writes = [
      b.write({ key: "/k/a", value: "a1", expect: 0 }),
      b.write({ key: "/k/a", value: "a2", expect: 0 }), // a exists: the write before it in the same transaction made it
      b.write({ key: "/k/x", value: "x2", expect: 0 }), // x exists
      b.write({ key: "/k/b", value: "b1", expect: 0 }),
      b.write({ key: "/k/x", value: "x2", expect: x.revision }),
    ];
    let acknowledged = 0;
    for (const w of writes) void w.then(() => acknowledged++);
    // Queued in one loop turn: nothing is committed, readable or published before the batch is.
    assert.equal(b.currentRevision(), start);
    assert.equal(b.get("/k/a").row, undefined);
    // Several writers queueing: the transaction's flush waits on the event loop, so by the next
    // callback of the turn that committed it every write is answered.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(acknowledged, writes.length);
    assert.deepEqual(await Promise.all(writes), [
      { ok: true, revision: start + 1 },
      { ok: false, current: { key: "/k/a", revision: start + 1, value: "a1" }, revision: start + 1 },
      { ok: false, current: { key: "/k/x", revision: x.revision, value: "x1" }, revision: start + 1 },
      { ok: true, revision: start + 2 },
      { ok: true, revision: start + 3 },
    ]);
    assert.equal(b.currentRevision(), start + 3);
    assert.deepEqual(
      b.changes({ key: "/k/", recursive: true }, start, start + 3, 10).map((e) => [e.revision, e.key, e.value]),
      [
        [start + 1, "/k/a", "a1"],
        [start + 2, "/k/b", "b1"],
        [start + 3, "/k/x", "x2"],
      ],
    );
    await b.close();
  });

  it("a lone write is flushed off the event loop, invisible until on disk; writes queued meanwhile share the next transaction", async () => {
    const b = new SqliteBackend(join(dir, "lone", "db.sqlite"));
    const start = b.currentRevision();
    const value = (v: number) => JSON.stringify(flunder("a", { v }));
    const w = new EventReader(b.hub.watch({ key: "/k/", recursive: true, liveAfter: start }));
    const acknowledged: string[] = [];
    const first = b.write({ key: "/k/a", value: value(1), expect: 0 }).then((r) => (acknowledged.push("a"), r));
    // The turn that committed it: its flush is on the thread pool, which reports in a later turn.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(acknowledged.length, 0);
    assert.equal(b.currentRevision(), start);
    assert.equal(b.get("/k/a").row, undefined);
    assert.equal(b.revisionOf("/k/a"), undefined);
    assert.equal(b.hub.revision, start);
    // Queued while the flush runs: committed together once it ends, each with its own revision.
    const queued = [b.write({ key: "/k/b", value: value(2), expect: 0 }), b.write({ key: "/k/a", value: value(3), expect: start + 1 })].map((p, i) =>
      p.then((r) => (acknowledged.push(`queued ${i}`), r)),
    );
    assert.deepEqual(await first, { ok: true, revision: start + 1 });
    assert.deepEqual(await Promise.all(queued), [
      { ok: true, revision: start + 2 },
      { ok: true, revision: start + 3 },
    ]);
    assert.deepEqual(acknowledged, ["a", "queued 0", "queued 1"]);
    assert.equal(b.get("/k/a").row?.value, value(3));
    assert.deepEqual(
      (await w.take(3)).map((e) => [e.type, e.revision]),
      [
        ["ADDED", start + 1],
        ["ADDED", start + 2],
        ["MODIFIED", start + 3],
      ],
    );
    w.stop();
    await b.close();
  });

  it("reports a write's previous value whether the writer passed the value it expected or not", async () => {
    const b = new SqliteBackend(join(dir, "prev-value", "db.sqlite"));
    const value = (v: number) => JSON.stringify(flunder("a", { v }));
    const w = new EventReader(b.hub.watch({ key: "/k/", recursive: true, liveAfter: b.currentRevision() }));
    const r1 = await b.write({ key: "/k/a", value: value(1), expect: 0 });
    const r2 = await b.write({ key: "/k/a", value: value(2), expect: r1.revision });
    const r3 = await b.write({ key: "/k/a", value: value(3), expect: r2.revision, expectedValue: value(2) });
    const r4 = await b.write({ key: "/k/a", value: null, expect: r3.revision });
    const [, unpassed, passed, deleted] = await w.take(4);
    assert.deepEqual(unpassed!.prevObject!.spec, { v: 1 });
    assert.deepEqual(passed!.prevObject!.spec, { v: 2 });
    assert.equal(deleted!.type, "DELETED");
    assert.deepEqual(deleted!.object.spec, { v: 3 });
    const tombstone = b.changes({ key: "/k/a", recursive: false }, r3.revision, r4.revision, 10);
    assert.deepEqual(tombstone.map((e) => [e.value, e.prevValue, e.prevRevision]), [[null, value(3), r3.revision]]);
    w.stop();
    await b.close();
  });

  it("close commits and flushes the writes still queued", async () => {
    const path = join(dir, "close-queued", "db.sqlite");
    const b = new SqliteBackend(path);
    const queued = b.write({ key: "/k/q", value: "q1", expect: 0 });
    await b.close();
    assert.deepEqual(await queued, { ok: true, revision: 2 });
    const again = new SqliteBackend(path);
    assert.equal(again.get("/k/q").row?.value, "q1");
    await again.close();
  });

  it("acknowledges writes to a database reached through a symbolic link", async () => {
    mkdirSync(join(dir, "linked", "real"), { recursive: true });
    writeFileSync(join(dir, "linked", "real", "db.sqlite"), "");
    symlinkSync(join(dir, "linked", "real", "db.sqlite"), join(dir, "linked", "db.sqlite"));
    const s = createSqliteStorage(join(dir, "linked", "db.sqlite"));
    const made = await s.create(key("default", "x"), flunder("x"));
    assert.equal((await s.get(key("default", "x"))).metadata.resourceVersion, made.metadata.resourceVersion);
    await s.close();
  });

  it("durability: every acknowledged create survives kill -9 during group commits", async () => {
    const path = join(dir, "durable", "db.sqlite");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./fixtures/durability-child.ts", import.meta.url)), path],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const acked: string[] = [];
    /** How many acknowledged writes each commit (the store revision they were acknowledged at) carried. */
    const commits = new Map<number, number>();
    const revisions = new Set<number>();
    let buf = "";
    await new Promise<void>((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve() : reject(new Error(`child exited ${code}`))));
      child.stdout!.on("data", (chunk: Buffer) => {
        buf += chunk.toString();
        const lines = buf.split("\n");
        buf = lines.pop()!;
        for (const line of lines) {
          const [k, rv, storeRev] = line.split(" ");
          acked.push(k!);
          revisions.add(Number(rv));
          assert.ok(Number(rv) <= Number(storeRev), `${k} acknowledged at store revision ${storeRev} before its revision ${rv}`);
          commits.set(Number(storeRev), (commits.get(Number(storeRev)) ?? 0) + 1);
        }
        if (acked.length >= 400 && !child.killed) child.kill("SIGKILL");
      });
    });
    assert.ok(acked.length >= 400);
    // The writers kept 16 writes in flight, so the kill landed while commits carried several.
    assert.ok(Math.max(...commits.values()) > 1, `no commit carried more than one write: ${[...commits.values()]}`);
    assert.equal(revisions.size, acked.length, "every write has its own revision");
    const s = createSqliteStorage(path);
    const present = new Set((await s.list(PREFIX)).items.map((o) => `${PREFIX}default/${o.metadata.name}`));
    const missing = acked.filter((k) => !present.has(k));
    assert.deepEqual(missing, [], "acknowledged creates lost");
    // The store keeps working: a watch from the last revision sees the next write.
    const last = await s.currentRevision();
    const w = new EventReader(s.watch(PREFIX, { revision: last, recursive: true }));
    const made = await s.create(key("default", "after-crash"), flunder("after-crash"));
    const [ev] = await w.take(1);
    assert.equal(ev!.type, "ADDED");
    assert.equal(ev!.revision, Number(made.metadata.resourceVersion));
    assert.equal(ev!.revision, last + 1);
    w.stop();
    await s.close();
  });
});
