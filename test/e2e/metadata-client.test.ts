/**
 * The generated server as the cluster's metadata client (garbage collector,
 * namespace controller) sees it (issue 4): `as=PartialObjectMetadata` watch
 * and get, `as=PartialObjectMetadataList` list, foreground and orphan deletion
 * leaving the object with a deletionTimestamp and kube's finalizer for the
 * garbage collector to finish (which it does with a metadata PATCH), and the
 * in-flight limit end-to-end: 429 with Retry-After while /healthz answers.
 * (test/server/limits.test.ts covers the limit on the serving layer with a stub
 * handler; here it is the generated server with its flags.)
 */
import assert from "node:assert/strict";
import tls from "node:tls";
import { after, before, describe, it } from "node:test";
import { startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";
import https from "node:https";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createClientCertificate } from "../../runtime/src/server/certs.js";
import { adminAgent, adminCredentials, notebook, openWatch, request, type WatchStream } from "../support/admin-http.js";

const POM = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
const POML = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
const NS = "md";

describe("metadata client against the generated server", { timeout: 60_000 }, () => {
  let server: GeneratedServer;
  let agent: https.Agent;
  let col: string;
  let watch: WatchStream | undefined;

  before(async () => {
    server = await startGeneratedServer();
    agent = adminAgent(server.dir);
    col = `${server.url}/apis/skai.io/v1alpha1/namespaces/${NS}/notebooks`;
    for (const name of ["fg", "orph", "plain"]) {
      const r = await request(col, { method: "POST", body: notebook(name, NS, { labels: { role: name } }), agent });
      assert.equal(r.status, 201, r.text);
    }
  });
  after(async () => {
    watch?.close();
    agent?.destroy();
    await server?.stop({ cleanup: true });
  });

  it("lists as PartialObjectMetadataList: metadata only", async () => {
    const r = await request(col, { agent, headers: { Accept: `${POML},application/json` } });
    assert.equal(r.status, 200, r.text);
    const list = r.json();
    assert.equal(list.kind, "PartialObjectMetadataList");
    assert.equal(list.apiVersion, "meta.k8s.io/v1");
    assert.match(list.metadata.resourceVersion, /^\d+$/);
    assert.deepEqual(list.items.map((i: any) => i.metadata.name).sort(), ["fg", "orph", "plain"]);
    for (const item of list.items) {
      assert.equal(item.kind, "PartialObjectMetadata");
      assert.equal(item.apiVersion, "meta.k8s.io/v1");
      assert.deepEqual(Object.keys(item).sort(), ["apiVersion", "kind", "metadata"]);
      assert.match(item.metadata.uid, /^[0-9a-f-]{36}$/);
      assert.equal(item.metadata.labels.role, item.metadata.name);
    }
  });

  it("gets as PartialObjectMetadata", async () => {
    const r = await request(`${col}/plain`, { agent, headers: { Accept: POM } });
    assert.equal(r.status, 200, r.text);
    const obj = r.json();
    assert.equal(obj.kind, "PartialObjectMetadata");
    assert.equal(obj.apiVersion, "meta.k8s.io/v1");
    assert.equal(obj.metadata.name, "plain");
    assert.equal(obj.spec, undefined);
  });

  it("watches as PartialObjectMetadata: initial ADDED events, then changes (no JSON fallback)", async () => {
    watch = await openWatch(`${col}?watch=1&allowWatchBookmarks=true`, agent, { Accept: POM });
    assert.equal(watch.status, 200);
    assert.match(String(watch.headers["content-type"]), /^application\/json/);
    for (const name of ["fg", "orph", "plain"]) {
      const ev = await watch.waitFor((e) => e.type === "ADDED" && e.object.metadata?.name === name);
      assert.equal(ev.object.kind, "PartialObjectMetadata");
      assert.equal(ev.object.apiVersion, "meta.k8s.io/v1");
      assert.equal(ev.object.spec, undefined);
    }
    const patched = await request(`${col}/plain`, {
      method: "PATCH",
      agent,
      body: { metadata: { labels: { touched: "yes" } } },
      headers: { "Content-Type": "application/merge-patch+json" },
    });
    assert.equal(patched.status, 200, patched.text);
    const ev = await watch.waitFor((e) => e.type === "MODIFIED" && e.object.metadata?.name === "plain");
    assert.equal(ev.object.kind, "PartialObjectMetadata");
    assert.equal(ev.object.metadata.labels.touched, "yes");
    assert.equal(ev.object.metadata.resourceVersion, patched.json().metadata.resourceVersion);
  });

  it("a list-typed Accept on a watch is 406, as kube answers", async () => {
    const r = await request(`${col}?watch=1`, { agent, headers: { Accept: POML } });
    assert.equal(r.status, 406, r.text);
    assert.equal(r.json().reason, "NotAcceptable");
  });

  it("propagationPolicy=Foreground leaves the object with a deletionTimestamp and the foregroundDeletion finalizer", async () => {
    const r = await request(`${col}/fg`, { method: "DELETE", agent, body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Foreground" } });
    assert.equal(r.status, 200, r.text);
    const obj = r.json();
    assert.equal(obj.kind, "Notebook");
    assert.ok(obj.metadata.deletionTimestamp, r.text);
    assert.deepEqual(obj.metadata.finalizers, ["foregroundDeletion"]);
    const got = await request(`${col}/fg`, { agent, headers: { Accept: POM } });
    assert.equal(got.status, 200);
    assert.deepEqual(got.json().metadata.finalizers, ["foregroundDeletion"]);
    assert.equal(got.json().metadata.deletionTimestamp, obj.metadata.deletionTimestamp);
    // The metadata watch sees the change.
    const ev = await watch!.waitFor((e) => e.type === "MODIFIED" && e.object.metadata?.name === "fg" && !!e.object.metadata.deletionTimestamp);
    assert.equal(ev.object.kind, "PartialObjectMetadata");
    assert.deepEqual(ev.object.metadata.finalizers, ["foregroundDeletion"]);
  });

  it("propagationPolicy=Orphan (query form) leaves the object with the orphan finalizer", async () => {
    const r = await request(`${col}/orph?propagationPolicy=Orphan`, { method: "DELETE", agent });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json().metadata.deletionTimestamp);
    assert.deepEqual(r.json().metadata.finalizers, ["orphan"]);
  });

  it("the garbage collector finishes: removing the finalizer by a metadata PATCH deletes the object", async () => {
    for (const [name, finalizer] of [
      ["fg", "foregroundDeletion"],
      ["orph", "orphan"],
    ] as const) {
      const cur = (await request(`${col}/${name}`, { agent, headers: { Accept: POM } })).json();
      // What the GC's removeFinalizer sends: a JSON merge patch of the finalizers with the resourceVersion precondition,
      // through the metadata client (Accept: PartialObjectMetadata).
      const patch = { metadata: { finalizers: (cur.metadata.finalizers as string[]).filter((f) => f !== finalizer), resourceVersion: cur.metadata.resourceVersion } };
      const r = await request(`${col}/${name}`, { method: "PATCH", agent, body: patch, headers: { "Content-Type": "application/merge-patch+json", Accept: POM } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json().kind, "PartialObjectMetadata");
      const gone = await request(`${col}/${name}`, { agent });
      assert.equal(gone.status, 404, gone.text);
      const ev = await watch!.waitFor((e) => e.type === "DELETED" && e.object.metadata?.name === name);
      assert.equal(ev.object.kind, "PartialObjectMetadata");
    }
  });
});

describe("in-flight limit on the generated server", { timeout: 60_000 }, () => {
  let server: GeneratedServer;
  let agent: https.Agent;
  /** alice, not system:masters (whom the limit never rejects, as in kube). */
  let alice: { ca: string; cert: string; key: string };
  const held: tls.TLSSocket[] = [];

  before(async () => {
    server = await startGeneratedServer({ extraArgs: ["--max-requests-inflight=1", "--max-mutating-requests-inflight=1"] });
    const certs = path.join(server.dir, "certs");
    const ca = { certPem: readFileSync(path.join(certs, "ca.crt"), "utf8"), keyPem: readFileSync(path.join(certs, "ca.key"), "utf8") };
    const c = createClientCertificate(ca, "alice", ["skai-users"]);
    alice = { ca: ca.certPem, cert: c.certPem, key: c.keyPem };
    agent = new https.Agent({ keepAlive: true, ...alice });
  });
  after(async () => {
    for (const s of held) s.destroy();
    agent?.destroy();
    await server?.stop({ cleanup: true });
  });

  /** A create whose body never arrives: it holds a mutating in-flight slot (as in kube, the limit applies before the body is read). */
  function slowCreate(): Promise<tls.TLSSocket> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: "127.0.0.1", port: server.port, ...alice, servername: "localhost" }, () => {
        socket.write(`POST /apis/skai.io/v1alpha1/namespaces/${NS}/notebooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{`);
        held.push(socket);
        resolve(socket);
      });
      socket.on("error", reject);
    });
  }

  it("concurrent slow creates beyond --max-mutating-requests-inflight get 429 with Retry-After; /healthz still answers", async () => {
    const slow = await slowCreate();
    let answer: string = "";
    slow.setEncoding("utf8");
    slow.on("data", (d: string) => (answer += d));
    // The slow create takes its slot once the server has parsed its headers: retry a second create until it is refused.
    const deadline = Date.now() + 15_000;
    let rejected: Awaited<ReturnType<typeof request>> | undefined;
    for (let i = 0; Date.now() < deadline; i++) {
      const r = await request(`${server.url}/apis/skai.io/v1alpha1/namespaces/${NS}/notebooks`, { method: "POST", body: notebook(`flood-${i}`, NS), agent });
      if (r.status === 429) {
        rejected = r;
        break;
      }
      assert.equal(r.status, 201, r.text);
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.ok(rejected, `no 429 within 15 s while a create held the only mutating slot (slow create answered: ${JSON.stringify(answer)})`);
    assert.equal(rejected.headers["retry-after"], "1");
    assert.match(rejected.text, /^Too many requests, please try again later\.?\n?$|"reason":"TooManyRequests"/);

    // Health and reads still answer (reads have their own limit; health is exempt).
    for (const p of ["/healthz", "/livez", "/readyz"]) {
      const h = await request(`${server.url}${p}`, { agent });
      assert.equal(h.status, 200, `${p}: ${h.text}`);
    }
    // More slow creates pile up: each is refused with 429, not queued forever.
    const more = await Promise.all(
      [1, 2, 3].map((i) => request(`${server.url}/apis/skai.io/v1alpha1/namespaces/${NS}/notebooks`, { method: "POST", body: notebook(`more-${i}`, NS), agent })),
    );
    assert.deepEqual(
      more.map((r) => r.status),
      [429, 429, 429],
    );

    // Releasing the slot (the client goes away) lets creates through again.
    slow.destroy();
    const until = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < until) {
      status = (await request(`${server.url}/apis/skai.io/v1alpha1/namespaces/${NS}/notebooks`, { method: "POST", body: notebook("after-flood", NS), agent })).status;
      if (status === 201) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(status, 201);
    assert.equal(server.child.exitCode, null);
  });
});
