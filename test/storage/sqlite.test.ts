import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createSqliteStorage, createStorage } from "../../runtime/src/storage/index.js";
import { EventReader, PREFIX, flunder, key } from "./helpers.js";
import { runStorageSuite } from "./suite.js";

const dir = mkdtempSync(join(tmpdir(), "skai-storage-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runStorageSuite("sqlite", (opts) => createSqliteStorage(join(dir, `suite-${n++}`, "db.sqlite"), opts));

describe("sqlite specifics", () => {
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

  it("durability: every acknowledged create survives kill -9", async () => {
    const path = join(dir, "durable", "db.sqlite");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./fixtures/durability-child.ts", import.meta.url)), path],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const acked: string[] = [];
    let buf = "";
    await new Promise<void>((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve() : reject(new Error(`child exited ${code}`))));
      child.stdout!.on("data", (chunk: Buffer) => {
        buf += chunk.toString();
        const lines = buf.split("\n");
        buf = lines.pop()!;
        acked.push(...lines);
        if (acked.length >= 400 && !child.killed) child.kill("SIGKILL");
      });
    });
    assert.ok(acked.length >= 400);
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
