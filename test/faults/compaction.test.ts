/**
 * Compaction while clients are mid-way: a paginated list and watches. History is compacted
 * straight on etcd, as another replica's compactor would; the server must answer with
 * Kubernetes' 410s (learning the compacted revision), keep active watches going, and
 * clients recover by relisting.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Etcd3 } from "etcd3";
import { openWatch } from "../support/admin-http.js";
import { notebook, startReplicas, type ReplicaSet } from "../replicas/harness.js";
import { requires } from "../support/requirements.js";

const INCONSISTENT_CONTINUE =
  "The provided continue parameter is too old to display a consistent list result. " +
  "You can start a new list without the continue parameter, or use the continue token in this response to " +
  "retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - " +
  "objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

describe("fault: compaction during a paginated list and watches", { timeout: 90_000, skip: requires("etcd") }, () => {
  let set: ReplicaSet;
  let raw: Etcd3;
  before(async () => {
    // Without the watch cache, so watches and lists meet etcd's compaction directly (the
    // cache serves watches from its own window and answers 410 below that window instead).
    set = await startReplicas(1, 1, ["--watch-cache=false"]);
    raw = new Etcd3({ hosts: set.etcd.clientUrls });
  });
  after(async () => {
    raw?.close();
    await set?.stop();
  });

  it("410 for stale continue tokens, exact lists and watches; active watches continue; clients recover", async () => {
    const r = set.replicas[0]!;
    const col = r.notebooks("compact");
    for (let i = 0; i < 5; i++) assert.equal((await r.req(col, { method: "POST", body: notebook(`n${i}`, "compact") })).status, 201);
    const page1 = (await r.req(`${col}?limit=2`)).json();
    assert.equal(page1.items.length, 2);
    const token = page1.metadata.continue;
    const rv0 = page1.metadata.resourceVersion;
    assert.ok(token);

    const active = await openWatch(`${r.server.url}${col}?watch=1&resourceVersion=${rv0}`, r.agent);
    await r.req(col, { method: "POST", body: notebook("before-compact", "compact") });
    await active.waitFor((e) => e.object?.metadata?.name === "before-compact");

    const { header } = await raw.kv.range({ key: Buffer.from("/"), count_only: true });
    const compactedAt = Number(header.revision);
    await raw.kv.compact({ revision: String(compactedAt), physical: true });

    // The active watch is past the compaction point: it keeps delivering.
    await r.req(col, { method: "POST", body: notebook("after-compact", "compact") });
    await active.waitFor((e) => e.object?.metadata?.name === "after-compact");
    assert.ok(!active.events.some((e) => e.type === "ERROR"));
    active.close();

    // A continue token from before the compaction: 410 with a fresh token to go on with.
    const stale = await r.req(`${col}?limit=2&continue=${encodeURIComponent(token)}`);
    assert.equal(stale.status, 410, stale.text);
    const st = stale.json();
    assert.equal(st.reason, "Expired");
    assert.equal(st.message, INCONSISTENT_CONTINUE);
    assert.ok(st.metadata.continue, "a continue token at the latest revision");
    // Recovery: restart the list without continue and page through everything.
    const names: string[] = [];
    let cont = "";
    do {
      const page = (await r.req(`${col}?limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`)).json();
      names.push(...page.items.map((o: any) => o.metadata.name));
      cont = page.metadata.continue ?? "";
    } while (cont);
    assert.equal(names.length, 7);

    // An exact list before the compaction.
    const exact = await r.req(`${col}?resourceVersion=${rv0}&resourceVersionMatch=Exact`);
    assert.equal(exact.status, 410, exact.text);
    assert.equal(exact.json().message, "The resourceVersion for the provided list is too old.");

    // A watch resuming from before the compaction: kube's ERROR event with 410 Expired.
    const old = await openWatch(`${r.server.url}${col}?watch=1&resourceVersion=${rv0}`, r.agent);
    let status: any;
    if (old.status === 200) status = (await old.waitFor((e) => e.type === "ERROR")).object;
    else {
      await old.ended;
      assert.equal(old.status, 410);
    }
    old.close();
    if (status) {
      assert.equal(status.code, 410);
      assert.equal(status.reason, "Expired");
      assert.equal(status.message, `too old resource version: ${rv0} (${compactedAt})`);
    }
    // Recovery: relist, then watch from the list's resourceVersion.
    const relist = (await r.req(col)).json();
    const fresh = await openWatch(`${r.server.url}${col}?watch=1&resourceVersion=${relist.metadata.resourceVersion}`, r.agent);
    await r.req(col, { method: "POST", body: notebook("recovered", "compact") });
    const ev = await fresh.waitFor((e) => e.object?.metadata?.name === "recovered");
    assert.equal(ev.type, "ADDED");
    fresh.close();
  });
});
