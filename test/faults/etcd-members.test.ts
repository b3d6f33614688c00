/**
 * Losing etcd members under load, on a 3-member cluster: with one member down requests
 * keep succeeding (a transient 5xx only as a Status with Retry-After); with two down
 * (no quorum) the server answers 503/504 Status with Retry-After instead of hanging;
 * when they return, it recovers without a restart.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { notebook, startReplicas, type ReplicaSet } from "../replicas/harness.js";
import { waitClusterHealthy } from "../support/etcd.js";
import { requires } from "../support/requirements.js";
import { assertRetryableStatus, sleep } from "./checks.js";

describe("fault: etcd members killed under load", { timeout: 150_000, skip: requires("etcd") }, () => {
  let set: ReplicaSet;
  before(async () => {
    set = await startReplicas(1, 3);
  });
  after(async () => {
    await set?.stop();
  });

  /** 4 clients creating for `ms`; returns successes and checks every failure's shape. */
  async function load(tag: string, ms: number): Promise<{ ok: number; failed: number }> {
    const r = set.replicas[0]!;
    const end = Date.now() + ms;
    let ok = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: 4 }, async (_, c) => {
        for (let i = 0; Date.now() < end; i++) {
          const res = await r.req(r.notebooks("members"), { method: "POST", body: notebook(`${tag}-${c}-${i}`, "members"), deadlineMs: 15_000 });
          if (res.status === 201) ok++;
          else {
            assert.ok(res.status >= 500, `${res.status} ${res.text}`);
            assertRetryableStatus(res, "create");
            failed++;
            await sleep(50);
          }
        }
      }),
    );
    return { ok, failed };
  }

  it("one member down: requests keep succeeding", async () => {
    const before = await load("warm", 1000);
    assert.ok(before.ok > 0);
    const during = load("one-down", 4000);
    await sleep(500);
    await set.etcd.members[0]!.kill();
    const res = await during;
    assert.ok(res.ok > 0, "writes continued");
    // And after the election settled (failures, if any, were checked to be retryable Statuses).
    const settled = await load("settled", 1500);
    assert.ok(settled.ok > 0);
  });

  it("two members down: 503/504 Status with Retry-After; recovery when they return", async () => {
    const r = set.replicas[0]!;
    await set.etcd.members[1]!.kill();
    // No quorum: every request fails in bounded time with a retryable Status.
    for (const req of [
      () => r.req(r.notebooks("members"), { method: "POST", body: notebook("noquorum", "members"), deadlineMs: 20_000 }),
      () => r.req(r.notebooks("members"), { deadlineMs: 20_000 }),
    ]) {
      const res = await req();
      assert.ok(res.status === 503 || res.status === 504, `${res.status} ${res.text}`);
      assertRetryableStatus(res, "no quorum");
    }
    for (const m of set.etcd.members) await m.restart();
    await waitClusterHealthy(set.etcd);
    const deadline = Date.now() + 30_000;
    let res = await r.req(r.notebooks("members"), { method: "POST", body: notebook("recovered", "members") });
    while (res.status !== 201 && Date.now() < deadline) {
      assertRetryableStatus(res, "recovering");
      await sleep(200);
      res = await r.req(r.notebooks("members"), { method: "POST", body: notebook("recovered", "members") });
    }
    assert.equal(res.status, 201, res.text);
    // The watch feed resumed too: a watch from before the outage sees the new object.
    const got = await r.req(`${r.notebooks("members")}/recovered`);
    assert.equal(got.status, 200);
  });
});
