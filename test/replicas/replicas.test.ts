/**
 * Two generated-server replicas on one etcd are one consistent API: writes on one are
 * seen by watchers and reads on the other, resourceVersions share one sequence, and
 * optimistic-concurrency conflicts are detected across replicas.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openWatch } from "../support/admin-http.js";
import { notebook, startReplicas, type ReplicaSet } from "./harness.js";
import { requires } from "../support/requirements.js";

describe("replicas on one etcd", { timeout: 120_000, skip: requires("etcd") }, () => {
  let set: ReplicaSet;
  before(async () => {
    set = await startReplicas(2);
  });
  after(async () => {
    await set?.stop();
  });

  it("a write on one replica is seen by a watcher on the other, with the same resourceVersion", async () => {
    const [a, b] = set.replicas as [(typeof set.replicas)[0], (typeof set.replicas)[0]];
    const list = await b.req(b.notebooks("team"));
    assert.equal(list.status, 200, list.text);
    const rv = list.json().metadata.resourceVersion;
    const w = await openWatch(`${b.server.url}${b.notebooks("team")}?watch=1&resourceVersion=${rv}`, b.agent);
    assert.equal(w.status, 200);
    const created = await a.req(a.notebooks("team"), { method: "POST", body: notebook("nb-1", "team") });
    assert.equal(created.status, 201, created.text);
    const ev = await w.waitFor((e) => e.type === "ADDED" && e.object.metadata.name === "nb-1");
    assert.equal(ev.object.metadata.resourceVersion, created.json().metadata.resourceVersion);
    assert.equal(ev.object.metadata.uid, created.json().metadata.uid);
    // Read-your-writes across replicas: etcd reads are linearizable.
    const got = await b.req(`${b.notebooks("team")}/nb-1`);
    assert.equal(got.status, 200);
    assert.equal(got.json().metadata.resourceVersion, created.json().metadata.resourceVersion);
    w.close();
  });

  it("resourceVersions from both replicas are one increasing sequence", async () => {
    const [a, b] = set.replicas as [(typeof set.replicas)[0], (typeof set.replicas)[0]];
    const rvs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = i % 2 ? b : a;
      const res = await r.req(r.notebooks("seq"), { method: "POST", body: notebook(`s-${i}`, "seq") });
      assert.equal(res.status, 201, res.text);
      rvs.push(Number(res.json().metadata.resourceVersion));
    }
    for (let i = 1; i < rvs.length; i++) assert.ok(rvs[i]! > rvs[i - 1]!, `increasing: ${rvs}`);
    for (const r of [a, b]) {
      const l = (await r.req(r.notebooks("seq"))).json();
      assert.ok(Number(l.metadata.resourceVersion) >= rvs[rvs.length - 1]!);
      assert.equal(l.items.length, 6);
    }
  });

  it("detects a conflict across replicas", async () => {
    const [a, b] = set.replicas as [(typeof set.replicas)[0], (typeof set.replicas)[0]];
    const created = (await a.req(a.notebooks("cas"), { method: "POST", body: notebook("c", "cas") })).json();
    const onB = { ...created, metadata: { ...created.metadata, labels: { ...created.metadata.labels, by: "b" } } };
    const updB = await b.req(`${b.notebooks("cas")}/c`, { method: "PUT", body: onB });
    assert.equal(updB.status, 200, updB.text);
    const stale = { ...created, metadata: { ...created.metadata, labels: { ...created.metadata.labels, by: "a" } } };
    const updA = await a.req(`${a.notebooks("cas")}/c`, { method: "PUT", body: stale });
    assert.equal(updA.status, 409, updA.text);
    const st = updA.json();
    assert.equal(st.kind, "Status");
    assert.equal(st.reason, "Conflict");
    assert.equal(
      st.message,
      'Operation cannot be fulfilled on notebooks.skai.io "c": the object has been modified; please apply your changes to the latest version and try again',
    );
    const createAgain = await b.req(b.notebooks("cas"), { method: "POST", body: notebook("c", "cas") });
    assert.equal(createAgain.status, 409);
    assert.equal(createAgain.json().reason, "AlreadyExists");
  });

  it("a watch resumes on the other replica from a resourceVersion the first one gave", async () => {
    const [a, b] = set.replicas as [(typeof set.replicas)[0], (typeof set.replicas)[0]];
    const first = (await a.req(a.notebooks("resume"), { method: "POST", body: notebook("r0", "resume") })).json();
    for (let i = 1; i <= 3; i++) await a.req(a.notebooks("resume"), { method: "POST", body: notebook(`r${i}`, "resume") });
    const w = await openWatch(`${b.server.url}${b.notebooks("resume")}?watch=1&resourceVersion=${first.metadata.resourceVersion}`, b.agent);
    await w.waitFor((e) => e.object?.metadata?.name === "r3");
    assert.deepEqual(w.events.map((e) => [e.type, e.object.metadata.name]), [
      ["ADDED", "r1"],
      ["ADDED", "r2"],
      ["ADDED", "r3"],
    ]);
    w.close();
  });
});
