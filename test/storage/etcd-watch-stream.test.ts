/**
 * The etcd watch the backend's feed and history replays run on, against a real member:
 * like clientv3's watcher (go.etcd.io/etcd/client/v3 watch.go, which resumes a broken
 * stream from the revision after the last event it delivered), it outlives the member being
 * killed and restarted without losing or repeating an event; a start revision etcd has
 * compacted ends it with etcd's text, which the backend turns into 410 Expired.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Etcd3 } from "etcd3";
import { GrpcChannel } from "../../runtime/src/storage/etcd/grpc-channel.js";
import { decodeCasTxnResponse, encodeCasTxn } from "../../runtime/src/storage/etcd/txn-proto.js";
import type { EtcdWatchEvent } from "../../runtime/src/storage/etcd/watch-proto.js";
import { EtcdWatch } from "../../runtime/src/storage/etcd/watch-stream.js";
import { startEtcd, waitClusterHealthy, type EtcdCluster } from "../support/etcd.js";
import { requires } from "../support/requirements.js";

const TXN = "/etcdserverpb.KV/Txn";

describe("etcd watch stream", { skip: requires("etcd"), timeout: 60_000 }, () => {
  let etcd: EtcdCluster;
  let channel: GrpcChannel;
  before(async () => {
    etcd = await startEtcd(1);
    channel = new GrpcChannel(etcd.clientUrls, undefined, 2000);
  });
  after(async () => {
    channel?.close();
    await etcd?.stop();
  });

  /** Creates `key`; its revision. */
  async function put(key: string): Promise<number> {
    const res = decodeCasTxnResponse(await channel.call(TXN, encodeCasTxn(key, 0, `{"name":"${key}"}`), 5000));
    assert.ok(res.succeeded);
    return res.revision;
  }

  it("delivers every event once and in order across a member kill and restart", async () => {
    const from = await put("/w/start");
    const events: EtcdWatchEvent[] = [];
    let arrived: (() => void) | undefined;
    const watch = new EtcdWatch(channel, "/w/", from, {
      onEvents: (evs) => {
        events.push(...evs);
        arrived?.();
      },
      onCanceled: (err) => assert.fail(err),
    });
    await watch.start();
    try {
      const until = async (n: number) => {
        while (events.length < n) await new Promise<void>((resolve) => (arrived = resolve));
      };
      for (let i = 0; i < 5; i++) await put(`/w/before-${i}`);
      await until(5);
      await etcd.members[0]!.kill();
      await etcd.members[0]!.restart();
      await waitClusterHealthy(etcd);
      for (let i = 0; i < 5; i++) await put(`/w/after-${i}`);
      await until(10);
      assert.deepEqual(
        events.map((e) => e.kv.key.toString()),
        [0, 1, 2, 3, 4].map((i) => `/w/before-${i}`).concat([0, 1, 2, 3, 4].map((i) => `/w/after-${i}`)),
      );
      assert.deepEqual(
        events.map((e) => e.kv.modRevision),
        events.map((_, i) => from + 1 + i),
      );
      assert.ok(events.every((e) => !e.deleted && e.prev === undefined && e.kv.createRevision === e.kv.modRevision));
    } finally {
      watch.cancel();
    }
  });

  it("is canceled, with etcd's text, when its start revision was compacted", async () => {
    const old = await put("/c/a");
    const now = await put("/c/b");
    const client = new Etcd3({ hosts: etcd.clientUrls });
    try {
      await client.kv.compact({ revision: String(now) });
    } finally {
      client.close();
    }
    // etcd creates the watch, then cancels it naming the compacted revision.
    const canceled = new Promise<Error>((resolve) => {
      const watch = new EtcdWatch(channel, "/c/", old - 1, { onEvents: () => assert.fail("no events"), onCanceled: resolve });
      void watch.start();
    });
    assert.match((await canceled).message, new RegExp(`required revision has been compacted \\(compacted at ${now}\\)`));
  });
});
