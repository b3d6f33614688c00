/**
 * A watcher that does not keep up is ended, and only it: as kube's cacher
 * (k8s.io/apiserver pkg/storage/cacher/cache_watcher.go `add`) closes a watcher whose
 * buffer is full and counts it in apiserver_terminated_watchers_total, while the other
 * watchers keep receiving. Its client resumes from the last resourceVersion it saw, as
 * client-go's reflector does when a watch ends, and misses nothing.
 *
 * Over the serving layer with TLS (createApiServer) and the watch cache: the slow
 * watchers stop reading their sockets (a paused response; a typed-client Watch nobody
 * iterates), so the kernel's socket buffers and then the watcher's bounded buffer fill.
 */
import assert from "node:assert/strict";
import https from "node:https";
import type { IncomingMessage } from "node:http";
import { after, before, describe, it } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { ResourceClient, Transport, Watch, type KubeObject, type WatchEvent } from "../../client/src/index.js";
import { notebooksResource } from "../../generated/src/client/skai.io/v1alpha1.js";
import { createApiServer, type ApiServer } from "../../runtime/src/server/index.js";
import { Cacher } from "../../runtime/src/storage/cacher/index.js";
import { createMemoryStorage } from "../../runtime/src/storage/index.js";
import { call, certificates, openapi, resources, type TestServer } from "../server/fixtures.js";

const COLLECTION = "/apis/skai.io/v1alpha1/namespaces/ns/notebooks";
/** Undelivered events a watcher may have before it is ended (the server's default is 1,000). */
const BUFFER = 50;
/** Objects this large fill socket buffers after a few hundred events. */
const PAD = "x".repeat(16 * 1024);

/** A watch read line by line as it arrives; `ended` once the server ends the response. */
class RawWatch {
  readonly events: WatchEvent<KubeObject>[] = [];
  ended = false;
  private rest = "";
  private waiters: (() => void)[] = [];

  private constructor(readonly res: IncomingMessage) {
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      const lines = (this.rest + chunk).split("\n");
      this.rest = lines.pop()!;
      for (const line of lines) this.events.push(JSON.parse(line));
      this.wake();
    });
    res.on("end", () => {
      this.ended = true;
      this.wake();
    });
  }

  static open(server: TestServer, path: string): Promise<RawWatch> {
    const { ca, admin } = server.certs;
    return new Promise((resolve, reject) => {
      const req = https.get({ host: "127.0.0.1", port: server.port, path, ca: ca.certPem, cert: admin.certPem, key: admin.keyPem, agent: false }, (res) => {
        assert.equal(res.statusCode, 200);
        resolve(new RawWatch(res));
      });
      req.on("error", reject);
    });
  }

  /** Resolves once `done()` holds (checked on every arrival). */
  async until(done: () => boolean): Promise<void> {
    while (!done()) {
      if (this.ended) throw new Error(`the watch ended after ${this.events.length} events`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.res.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

const rvOf = (o: KubeObject) => o.metadata!.resourceVersion!;
const names = (events: WatchEvent<KubeObject>[]) => events.map((e) => e.object.metadata!.name);

describe("a watcher that does not keep up", () => {
  let server: TestServer;
  let api: ApiServer;
  let terminated = 0;
  before(async () => {
    const certs = certificates();
    const storage = new Cacher(createMemoryStorage(), {
      watchBufferSize: BUFFER,
      // as the server's run.ts wires it
      onWatcherTerminated: ({ group, resource }) => {
        terminated++;
        api.metrics.observeTerminatedWatcher(group, resource);
      },
    });
    api = createApiServer({
      resources,
      openapi,
      storage,
      tls: { cert: certs.serving.certPem, key: certs.serving.keyPem, clientCA: certs.ca.certPem },
      port: 0,
      log: () => {},
    });
    const { port } = await api.listen();
    server = { api, port, certs, close: () => api.close() };
  });
  after(() => server.close());

  // the timeout only keeps a regression (a slow watcher never ended) from hanging the run
  it("is ended while fast watchers receive every event in order; its client resumes from its last resourceVersion", { timeout: 120_000 }, async () => {
    const { ca, admin } = server.certs;
    const writer = new https.Agent({ keepAlive: true, ca: ca.certPem, cert: admin.certPem, key: admin.keyPem });
    const create = (name: string) =>
      new Promise<KubeObject>((resolve, reject) => {
        const req = https.request({ host: "127.0.0.1", port: server.port, path: COLLECTION, method: "POST", agent: writer, headers: { "Content-Type": "application/json" } }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => (res.statusCode === 201 ? resolve(JSON.parse(body)) : reject(new Error(`${res.statusCode} ${body}`))));
        });
        req.on("error", reject);
        req.end(JSON.stringify({ apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name, annotations: { pad: PAD } } }));
      });
    const start = rvOf(await create("start"));
    const from = `${COLLECTION}?watch=1&resourceVersion=${start}`;

    const fast = [await RawWatch.open(server, from), await RawWatch.open(server, from)];
    const slowRaw = await RawWatch.open(server, from);
    slowRaw.res.pause();

    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `https://127.0.0.1:${server.port}`, caData: Buffer.from(server.certs.ca.certPem).toString("base64") }],
      users: [
        { name: "admin", certData: Buffer.from(server.certs.admin.certPem).toString("base64"), keyData: Buffer.from(server.certs.admin.keyPem).toString("base64") },
      ],
      contexts: [{ name: "c", cluster: "c", user: "admin" }],
      currentContext: "c",
    });
    const transport = new Transport(kc, {});
    const client = new ResourceClient<KubeObject>(transport, notebooksResource, "ns");
    let watchesOpened = 0;
    const slowClient = new Watch<KubeObject>(
      {
        openWatch: (...args) => {
          watchesOpened++;
          return client.openWatch(...args);
        },
        listEverything: (opts) => client.listEverything(opts),
      },
      { resourceVersion: start },
    );
    const clientEvents = slowClient[Symbol.asyncIterator]();
    const created: string[] = [];
    // Each write waits until the fast watchers have it: they are never behind, however busy
    // the machine (this process also reads them), so only the watchers that stopped reading fill up.
    const createInStep = async (name: string) => {
      created.push(rvOf(await create(name)));
      for (const w of fast) await w.until(() => w.events.length >= created.length);
    };
    try {
      // The client reads one event, then nobody iterates: its socket stops being read.
      await createInStep("o-0");
      const first = await clientEvents.next();
      assert.equal(first.value?.object.metadata?.name, "o-0");

      // Writes go on until both slow watchers are ended (each after its socket buffers and BUFFER more events).
      while (terminated < 2) {
        assert.ok(created.length < 5000, "the slow watchers were never ended");
        await createInStep(`o-${created.length}`);
      }
      for (let i = 0; i < 5; i++) await createInStep(`o-${created.length}`);
      const all = created.map((_, i) => `o-${i}`);

      // Every fast watcher got every event, in order, and is still open.
      for (const w of fast) {
        await w.until(() => w.events.length === created.length);
        assert.deepEqual(names(w.events), all);
        assert.deepEqual(w.events.map((e) => rvOf(e.object)), created);
        assert.equal(w.ended, false);
      }

      // The slow raw watch, read again: a prefix of the events, in order, then the server's end of the stream.
      slowRaw.res.resume();
      await new Promise<void>((resolve) => (slowRaw.ended ? resolve() : slowRaw.res.once("end", resolve)));
      assert.ok(slowRaw.events.length < created.length);
      assert.deepEqual(names(slowRaw.events), all.slice(0, slowRaw.events.length));

      // The typed client, iterated again: the rest of its stream, then a watch from its last resourceVersion.
      const got = [first.value!];
      while (got.length < created.length) got.push((await clientEvents.next()).value!);
      assert.deepEqual(names(got), all);
      assert.equal(watchesOpened, 2, "one re-watch, from the last resourceVersion: no relist, no gap");

      const metrics = (await call(server, "/metrics")).body;
      assert.match(metrics, /^# TYPE apiserver_terminated_watchers_total counter$/m);
      assert.match(metrics, /^apiserver_terminated_watchers_total\{group="skai.io",resource="notebooks"\} 2$/m);
    } finally {
      slowClient.close();
      await clientEvents.return?.();
      transport.close();
      writer.destroy();
      for (const w of [...fast, slowRaw]) w.close();
    }
  });
});
