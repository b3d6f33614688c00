/**
 * `skai-apiserver backup <file>` / `restore <file>` on the embedded SQLite store: a
 * backup taken while writes go on restores into a server that lists every object
 * acknowledged before the backup started (the guarantee `etcdctl snapshot save`
 * gives etcd users). The server holds its database exclusively, so the backup is
 * taken through the running server (SQLite's online backup API).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { adminAgent, notebook, request } from "../support/admin-http.js";
import { repoRoot, startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";

const main = path.join(repoRoot, "apiserver/dist/main.js");
const servers: GeneratedServer[] = [];
const dirs: string[] = [];
after(async () => {
  for (const s of servers) await s.stop({ cleanup: true });
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs the server's bin with `args` without blocking this process (its writers keep going). */
function command(...args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [main, ...args], { encoding: "utf8", timeout: 60_000 }, (_err, stdout, stderr) => {
      resolve({ status: child.exitCode, out: stdout + stderr });
    });
  });
}

const NS = "backup";
const collection = (url: string) => `${url}/apis/skai.io/v1alpha1/namespaces/${NS}/notebooks`;

test("a backup taken during writes restores every object acknowledged before it started", { timeout: 120_000 }, async () => {
  const a = await startGeneratedServer();
  servers.push(a);
  const agent = adminAgent(a.dir);
  const db = path.join(a.dir, "data.db");
  const create = async (name: string) => {
    const r = await request(collection(a.url), { method: "POST", agent, body: notebook(name, NS) });
    assert.equal(r.status, 201, r.text);
  };
  const acknowledged: string[] = [];
  for (let i = 0; i < 40; i++) {
    await create(`before-${i}`);
    acknowledged.push(`before-${i}`);
  }
  // Writers keep going before, while and after the backup runs.
  let writing = true;
  let during = 0;
  const writers = [0, 1, 2].map(async (w) => {
    while (writing) {
      const name = `during-${w}-${during++}`;
      await create(name);
      acknowledged.push(name);
    }
  });
  while (acknowledged.length < 60) await new Promise((r) => setTimeout(r, 10));
  const file = path.join(a.dir, "backup.db");
  // Everything acknowledged so far is older than the backup, which starts after this line.
  const ackedBeforeBackup = [...acknowledged];
  const b = await command("backup", file, `--storage=sqlite:${db}`);
  const ackedDuringBackup = acknowledged.length - ackedBeforeBackup.length;
  writing = false;
  await Promise.all(writers);
  assert.equal(b.status, 0, b.out);
  assert.match(b.out, /through the running server/);

  // restore refuses to replace the database of a running server.
  const busy = await command("restore", file, `--storage=sqlite:${db}`);
  assert.equal(busy.status, 1);
  assert.match(busy.out, /a server is running on .*: stop it before restoring/);
  agent.destroy();

  const target = mkdtempSync(path.join(tmpdir(), "skai-restore-"));
  dirs.push(target);
  const r = await command("restore", file, `--storage=sqlite:${path.join(target, "data.db")}`);
  assert.equal(r.status, 0, r.out);
  const restored = await startGeneratedServer({ dir: target });
  servers.push(restored);
  const agentB = adminAgent(target);
  const list = await request(collection(restored.url), { agent: agentB });
  agentB.destroy();
  assert.equal(list.status, 200, list.text);
  const names = new Set((list.json().items as { metadata: { name: string } }[]).map((o) => o.metadata.name));
  for (const n of ackedBeforeBackup) assert.ok(names.has(n), `${n} was acknowledged before the backup but is missing after restore`);
  assert.ok(ackedDuringBackup > 0, "writes went on during the backup");
});

test("backup without a running server reads the file; restore checks what it is given", { timeout: 180_000 }, async () => {
  const s = await startGeneratedServer();
  servers.push(s);
  const agent = adminAgent(s.dir);
  assert.equal((await request(collection(s.url), { method: "POST", agent, body: notebook("offline", NS) })).status, 201);
  agent.destroy();
  await s.stop();
  const db = path.join(s.dir, "data.db");
  const file = path.join(s.dir, "offline.db");
  const b = await command("backup", file, `--storage=sqlite:${db}`);
  assert.equal(b.status, 0, b.out);
  assert.doesNotMatch(b.out, /through the running server/);

  const junk = path.join(s.dir, "junk.db");
  writeFileSync(junk, "not a database");
  const bad = await command("restore", junk, `--storage=sqlite:${db}`);
  assert.equal(bad.status, 1);
  assert.match(bad.out, /^Error: /);
  assert.equal((await command("restore", file, `--storage=sqlite:${db}`)).status, 0);

  const etcd = await command("backup", file, "--storage=etcd://127.0.0.1:2379");
  assert.equal(etcd.status, 1);
  assert.match(etcd.out, /for etcd use etcdctl snapshot save/);
  const usage = await command("backup");
  assert.equal(usage.status, 2);
  assert.match(usage.out, /Usage:/);
  assert.match((await command("--help")).out, /skai-apiserver backup <file>/, "--help lists the commands");
});
