/**
 * A history checker over recorded operations and watch streams, with two replicas on
 * one etcd: 50 concurrent read-modify-write clients increment one counter (GET, then PUT
 * with the resourceVersion read, retrying on 409). No update may be lost: the counter ends
 * at the number of acknowledged increments, and every acknowledged write appears exactly
 * once, in order, in a watch on each replica; a watch cut mid-way and resumed from its last
 * resourceVersion on the other replica yields the same history.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openWatch, type WatchStream } from "../support/admin-http.js";
import { notebook, startReplicas, type Replica, type ReplicaSet } from "../replicas/harness.js";
import { requires } from "../support/requirements.js";
import { checkStream, sleep, toRecorded, type RecordedEvent } from "./checks.js";

const CLIENTS = 50;
const INCREMENTS = 3;

describe("fault: history checker under 50 concurrent read-modify-write clients", { timeout: 120_000, skip: requires("etcd") }, () => {
  let set: ReplicaSet;
  before(async () => {
    set = await startReplicas(2);
  });
  after(async () => {
    await set?.stop();
  });

  const counterOf = (o: any) => Number(o.metadata.annotations?.["skai.io/counter"] ?? 0);

  async function increment(r: Replica, path: string, acked: { rv: number; value: number }[]): Promise<number> {
    let conflicts = 0;
    for (;;) {
      const cur = await r.req(path);
      assert.equal(cur.status, 200, cur.text);
      const obj = cur.json();
      const next = counterOf(obj) + 1;
      obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), "skai.io/counter": String(next) };
      const put = await r.req(path, { method: "PUT", body: obj });
      if (put.status === 200) {
        acked.push({ rv: Number(put.json().metadata.resourceVersion), value: next });
        return conflicts;
      }
      assert.equal(put.status, 409, put.text);
      assert.equal(put.json().reason, "Conflict");
      conflicts++;
      // Jittered exponential backoff, as client-go's RetryOnConflict: contention stays bounded.
      await sleep(Math.random() * Math.min(200, 5 * 2 ** conflicts));
    }
  }

  it("loses no update; watch streams are ordered, unique, gap-free and resumable", async () => {
    const [a, b] = set.replicas as [Replica, Replica];
    const col = a.notebooks("history");
    const created = (await a.req(col, { method: "POST", body: notebook("counter", "history") })).json();
    const from = Number(created.metadata.resourceVersion);
    const watchUrl = (r: Replica, rv: number) => `${r.server.url}${col}?watch=1&resourceVersion=${rv}&allowWatchBookmarks=false`;
    const wa = await openWatch(watchUrl(a, from), a.agent);
    const wb = await openWatch(watchUrl(b, from), b.agent);
    // This one is cut half-way and resumed on the other replica.
    const cut = await openWatch(watchUrl(a, from), a.agent);

    const acked: { rv: number; value: number }[] = [];
    let resumed: WatchStream | undefined;
    let cutEvents: RecordedEvent[] = [];
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = 0; i < INCREMENTS; i++) {
          conflicts += await increment(c % 2 ? b : a, `${col}/counter`, acked);
          if (c === 0 && i === 1) {
            // Cut the watch and resume from the last resourceVersion it delivered.
            cutEvents = cut.events.map(toRecorded);
            cut.close();
            const last = cutEvents.length ? cutEvents[cutEvents.length - 1]!.rv : from;
            resumed = await openWatch(watchUrl(b, last), b.agent);
          }
        }
      }),
    );
    const total = CLIENTS * INCREMENTS;
    assert.equal(acked.length, total);
    const final = (await b.req(`${col}/counter`)).json();
    assert.equal(counterOf(final), total, "no lost update");
    // Each acknowledged write produced a distinct revision and a distinct counter value.
    assert.equal(new Set(acked.map((x) => x.rv)).size, total);
    assert.deepEqual(acked.map((x) => x.value).sort((x, y) => x - y), Array.from({ length: total }, (_, i) => i + 1));

    const to = Number(final.metadata.resourceVersion);
    const ackedRvs = acked.map((x) => x.rv);
    for (const [w, name] of [
      [wa, "watch on a"],
      [wb, "watch on b"],
      [resumed!, "resumed watch"],
    ] as const) {
      await w.waitFor((e) => Number(e.object?.metadata?.resourceVersion) === to, 20_000);
    }
    const streams: [RecordedEvent[], string][] = [
      [wa.events.map(toRecorded), "watch on a"],
      [wb.events.map(toRecorded), "watch on b"],
      [[...cutEvents, ...resumed!.events.map(toRecorded)], "cut + resumed watch"],
    ];
    for (const [events, what] of streams) {
      assert.ok(events.every((e) => e.type === "MODIFIED"), `${what}: only MODIFIED`);
      checkStream(events, ackedRvs, from, to, what);
      // The counter in the stream goes up by exactly one per event: a linear history.
      assert.deepEqual(events.map((e) => counterOf(e.object)), Array.from({ length: total }, (_, i) => i + 1), `${what}: linear counter`);
    }
    for (const w of [wa, wb, resumed!]) w.close();
    assert.ok(conflicts > 0, "the clients did contend");
  });
});
