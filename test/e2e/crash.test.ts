/**
 * Durability of acknowledged writes (issue 3): many concurrent creates through
 * HTTPS against the generated server on SQLite, `kill -9` mid-way, restart on
 * the same data dir. Every create that got a 201 is there, and a watch from the
 * last acknowledged resourceVersion resumes (sees a write made after the
 * restart, no 410).
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";
import { adminAgent, notebook, openWatch, request } from "../support/admin-http.js";

const NS = "crash";
const WORKERS = 16;
/** Kill once this many creates were acknowledged (the rest are in flight). */
const KILL_AFTER = 300;

let server: GeneratedServer | undefined;
after(() => server?.stop({ cleanup: true }));

test("acknowledged creates survive kill -9 and the watch resumes from the last acknowledged revision", { timeout: 60_000 }, async () => {
  server = await startGeneratedServer();
  const dir = server.dir;
  let agent = adminAgent(dir);
  const base = `${server.url}/apis/skai.io/v1alpha1/namespaces/${NS}/notebooks`;

  const acked = new Map<string, string>(); // name -> resourceVersion of the 201
  let next = 0;
  let killed = false;
  let failuresAfterKill = 0;
  let killing: Promise<void> | undefined;
  const worker = async () => {
    while (!killed) {
      const name = `nb-${next++}`;
      try {
        const r = await request(base, { method: "POST", body: notebook(name, NS), agent, deadlineMs: 20_000 });
        if (r.status !== 201) {
          if (killed) break;
          assert.fail(`create ${name}: ${r.status} ${r.text}`);
        }
        acked.set(name, r.json().metadata.resourceVersion);
        if (acked.size >= KILL_AFTER && !killed) {
          killed = true;
          killing = server!.stop({ kill: true });
        }
      } catch (err) {
        if (!killed) throw err;
        failuresAfterKill++;
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  await killing;
  agent.destroy();
  assert.equal(server.child.signalCode, "SIGKILL", "the server was killed, not stopped");
  assert.ok(acked.size >= KILL_AFTER);
  // Creates committed together (group commit) still get a resourceVersion each, as etcd's revisions are.
  assert.equal(new Set(acked.values()).size, acked.size, "two 201s carried the same resourceVersion");

  // Restart on the same directory (same SQLite file and certificates).
  server = await startGeneratedServer({ dir });
  agent = adminAgent(dir);
  const url = `${server.url}/apis/skai.io/v1alpha1/namespaces/${NS}/notebooks`;

  const missing: string[] = [];
  const names = [...acked.keys()];
  for (let i = 0; i < names.length; i += 16) {
    await Promise.all(
      names.slice(i, i + 16).map(async (name) => {
        const r = await request(`${url}/${name}`, { agent });
        if (r.status !== 200) missing.push(`${name}: ${r.status}`);
        else assert.equal(r.json().metadata.name, name);
      }),
    );
  }
  assert.deepEqual(missing, [], `acknowledged creates lost after kill -9 (${missing.length} of ${acked.size})`);

  // A watch from the last acknowledged resourceVersion resumes and sees a new write.
  const lastRV = [...acked.values()].map(BigInt).reduce((a, b) => (a > b ? a : b));
  const watch = await openWatch(`${url}?watch=1&resourceVersion=${lastRV}`, agent);
  try {
    assert.equal(watch.status, 200);
    const created = await request(url, { method: "POST", body: notebook("after-restart", NS), agent });
    assert.equal(created.status, 201, created.text);
    const ev = await watch.waitFor((e) => e.type === "ERROR" || e.object?.metadata?.name === "after-restart", 20_000);
    assert.equal(ev.type, "ADDED", `expected ADDED, got ${JSON.stringify(ev)}`);
    assert.ok(BigInt(ev.object.metadata.resourceVersion) > lastRV);
    // Whatever else arrived (creates that were in flight at the kill and committed) is newer than lastRV, never an ERROR.
    for (const e of watch.events) {
      assert.notEqual(e.type, "ERROR", JSON.stringify(e));
      assert.ok(BigInt(e.object.metadata.resourceVersion) > lastRV, `event at or before the watch's revision: ${JSON.stringify(e.object.metadata)}`);
    }
  } finally {
    watch.close();
    agent.destroy();
  }
  console.log(`# ${acked.size} creates acknowledged before kill -9 (${failuresAfterKill} in flight failed); all present after restart`);
});
