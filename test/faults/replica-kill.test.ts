/**
 * kill -9 of an apiserver replica under write load: clients fail over to the other
 * replica; afterwards every acknowledged create is present exactly once.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { notebook, startReplicas, type ReplicaSet } from "../replicas/harness.js";
import { requires } from "../support/requirements.js";
import { failover } from "./checks.js";

describe("fault: kill -9 of a replica under write load", { timeout: 90_000, skip: requires("etcd") }, () => {
  let set: ReplicaSet;
  before(async () => {
    set = await startReplicas(2);
  });
  after(async () => {
    await set?.stop();
  });

  it("keeps every acknowledged write, without duplicates", async () => {
    const [a, b] = set.replicas as [(typeof set.replicas)[0], (typeof set.replicas)[0]];
    const path = a.notebooks("load");
    const acknowledged = new Set<string>();
    let stop = false;
    let killed = false;
    const clients = Array.from({ length: 8 }, (_, c) =>
      (async () => {
        for (let i = 0; !stop; i++) {
          const name = `c${c}-${i}`;
          // Prefer replica a until it is gone, as clients behind a Service would.
          const order = killed ? [b, a] : [a, b];
          const res = await failover(order, path, { method: "POST", body: notebook(name, "load") });
          // AlreadyExists on a retry means an earlier attempt committed before its answer was lost.
          if (res.status === 201 || (res.status === 409 && res.json().reason === "AlreadyExists")) acknowledged.add(name);
          else assert.fail(`create ${name}: ${res.status} ${res.text}`);
        }
      })(),
    );
    // Kill once writes are flowing, then keep writing on the survivor.
    const deadline = Date.now() + 20_000;
    while (acknowledged.size < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await a.server.stop({ kill: true });
    killed = true;
    const atKill = acknowledged.size;
    while (acknowledged.size < atKill + 100 && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 20));
    stop = true;
    await Promise.all(clients);
    assert.ok(acknowledged.size >= atKill + 100, "writes continued on the surviving replica");

    const list = await b.req(path);
    assert.equal(list.status, 200);
    const names: string[] = list.json().items.map((o: any) => o.metadata.name);
    assert.equal(new Set(names).size, names.length, "no duplicates");
    const present = new Set(names);
    const lost = [...acknowledged].filter((n) => !present.has(n));
    assert.deepEqual(lost, [], "every acknowledged write is present");
    // At most the in-flight (unacknowledged) writes of the killed moment are extra.
    assert.ok(names.length - acknowledged.size <= 8, `unexpected extra objects: ${names.length - acknowledged.size}`);
  });
});
