/**
 * The shared storage suite, unchanged, against real etcd (one member), plus the
 * etcd-specific parts: key layout under the prefix and the spec parser.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Etcd3 } from "etcd3";
import { createEtcdStorage, KeyMapper, parseEtcdSpec } from "../../runtime/src/storage/etcd/index.js";
import { createCA, createClientCertificate, createServingCertificate } from "../../runtime/src/server/certs.js";
import { startEtcd, type EtcdCluster } from "../support/etcd.js";
import { requires } from "../support/requirements.js";
import { EventReader, PREFIX, flunder, key } from "./helpers.js";
import { runStorageSuite } from "./suite.js";

// Needs a real etcd (skipped with the reason when the machine has none; an error under CI=true).
describe("etcd storage", { skip: requires("etcd") }, () => {
  let etcd: EtcdCluster;
  before(async () => {
    etcd = await startEtcd(1);
  });
  after(async () => {
    await etcd?.stop();
  });
  let n = 0;

  // Each store gets its own prefix on the one etcd.
  runStorageSuite("etcd", (opts) => createEtcdStorage(etcd.spec, { ...opts, prefix: `/registry/suite-${n++}.skai.io` }));

  describe("etcd specifics", () => {
    it("watchers of a writer's own writes get its objects; others' writes are parsed", async () => {
      const prefix = "/registry/handover.skai.io";
      const s = await createEtcdStorage(etcd.spec, { prefix });
      const other = await createEtcdStorage(etcd.spec, { prefix });
      const w = new EventReader(s.watch(PREFIX, { revision: await s.currentRevision(), recursive: true }));
      const mine = await s.create(key("default", "mine"), flunder("mine"));
      const theirs = await other.create(key("default", "theirs"), flunder("theirs"));
      const events = await w.take(2);
      const byName = new Map(events.map((e) => [e.object.metadata.name, e.object]));
      // Equal either way; shared when the event came while the write awaited its answer.
      assert.deepEqual(byName.get("mine"), mine);
      assert.deepEqual(byName.get("theirs"), theirs);
      assert.notEqual(byName.get("theirs"), theirs, "another store's write is parsed from the value");
      const shared = events.filter((e) => e.object === mine).length;
      let carried = 0;
      // Creates one after another: etcd sends a write's event before its answer, so (but for a
      // race on the connection) each event carries the object the create returns.
      for (let i = 0; i < 20; i++) {
        const created = await s.create(key("default", `n${i}`), flunder(`n${i}`));
        const ev = await w.next();
        assert.deepEqual(ev?.object, created);
        if (ev?.object === created) carried++;
      }
      assert.ok(shared + carried > 0, "no event carried the written object");
      w.watcher.stop();
      await s.close();
      await other.close();
    });

    it("lays keys out as <prefix>/<resource>/<namespace>/<name>", async () => {
      const s = await createEtcdStorage(etcd.spec, { prefix: "/registry/wardle.example.com" });
      await s.create(key("ns1", "a"), flunder("a", {}, "ns1"));
      const raw = new Etcd3({ hosts: etcd.clientUrls });
      const keys = await raw.getAll().prefix("/registry/wardle.example.com/").keys();
      assert.deepEqual(keys, ["/registry/wardle.example.com/flunders/ns1/a"]);
      raw.close();
      await s.close();
    });

    it("reports the requested revision for an exact get-as-list, as kube's GetList does", async () => {
      const s = await createEtcdStorage(etcd.spec, { prefix: "/registry/exact-get.skai.io" });
      try {
        const a = await s.create(key("ns1", "a"), flunder("a", {}, "ns1"));
        const snap = Number(a.metadata.resourceVersion);
        await s.create(key("ns1", "b"), flunder("b", {}, "ns1"));
        const one = await s.list(key("ns1", "a"), { recursive: false, revision: snap, exact: true });
        assert.equal(one.revision, snap);
        assert.deepEqual(one.items, [a]);
      } finally {
        await s.close();
      }
    });

    it("maps keys of other groups under the prefix and back", () => {
      const m = new KeyMapper("/registry/skai.io/");
      assert.equal(m.toEtcd("/skai.io/notebooks/ns/x"), "/registry/skai.io/notebooks/ns/x");
      assert.equal(m.fromEtcd("/registry/skai.io/notebooks/ns/x"), "/skai.io/notebooks/ns/x");
      assert.equal(m.toEtcd("/other.io/things/x"), "/registry/skai.io/other.io/things/x");
      assert.equal(m.fromEtcd("/registry/skai.io/other.io/things/x"), "/other.io/things/x");
    });

    it("talks TLS with client certificates (--etcd-cafile, --etcd-certfile, --etcd-keyfile)", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "skai-etcd-tls-"));
      const ca = createCA("etcd-test-ca");
      const serving = createServingCertificate(ca, ["127.0.0.1", "localhost"]);
      const client = createClientCertificate(ca, "skai-apiserver", []);
      const file = (name: string, pem: string) => {
        writeFileSync(path.join(dir, name), pem);
        return path.join(dir, name);
      };
      const files = {
        caFile: file("ca.crt", ca.certPem),
        certFile: file("server.crt", serving.certPem),
        keyFile: file("server.key", serving.keyPem),
        clientCert: file("client.crt", client.certPem),
        clientKey: file("client.key", client.keyPem),
      };
      const secure = await startEtcd(1, {
        tls: { ...files, client: { ca: ca.certPem, cert: client.certPem, key: client.keyPem } },
      });
      try {
        const s = await createEtcdStorage(secure.spec, {
          tls: { caFile: files.caFile, certFile: files.clientCert, keyFile: files.clientKey },
        });
        const out = await s.create(key("default", "tls"), flunder("tls"));
        assert.deepEqual(await s.get(key("default", "tls")), out);
        await s.close();
      } finally {
        await secure.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("parses specs", () => {
      assert.deepEqual(parseEtcdSpec("etcd://a:1,b:2", false), ["http://a:1", "http://b:2"]);
      assert.deepEqual(parseEtcdSpec("etcd://a:1", true), ["https://a:1"]);
      assert.throws(() => parseEtcdSpec("etcd://", false));
    });
  });
});
