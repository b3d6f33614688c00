/**
 * The generated server speaks application/vnd.kubernetes.protobuf next to JSON:
 * a protobuf create body is accepted, get/list answer in protobuf when Accept asks,
 * a protobuf watch streams length-delimited WatchEvent frames, delete answers in
 * protobuf, and Table stays JSON-only (406 for a protobuf-only Table Accept).
 */
import assert from "node:assert/strict";
import https from "node:https";
import { after, before, describe, it } from "node:test";
import { FrameSplitter, KindCodec, PROTOBUF_MEDIA_TYPE } from "@skai-gen/client/protobuf";
import { TrainingJobProtobuf } from "../../generated/src/skai.io/v1alpha1/protobuf.js";
import { adminAgent, request } from "../support/admin-http.js";
import { startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";
import { examples, quantitiesAsStrings } from "./support.js";

const PB = PROTOBUF_MEDIA_TYPE;
const NS = "pb";

function raw(url: string, agent: https.Agent, opts: { method?: string; body?: Buffer; headers?: Record<string, string> } = {}): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...(opts.headers ?? {}), ...(opts.body ? { "Content-Length": String(opts.body.length) } : {}) };
    const req = https.request(url, { method: opts.method ?? "GET", agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("protobuf against the generated server", { timeout: 60_000 }, () => {
  let server: GeneratedServer;
  let agent: https.Agent;
  let col: string;
  const codec = new KindCodec(TrainingJobProtobuf, { apiVersion: "skai.io/v1alpha1", kind: "TrainingJob", listKind: "TrainingJobList" });
  const job = (name: string) => {
    const ex = examples("skai.io/v1alpha1").find((e) => e.kind === "TrainingJob")!;
    return { ...ex, metadata: { name, namespace: NS, labels: { via: "protobuf" } } };
  };

  before(async () => {
    server = await startGeneratedServer();
    agent = adminAgent(server.dir);
    col = `${server.url}/apis/skai.io/v1alpha1/namespaces/${NS}/trainingjobs`;
  });
  after(async () => {
    agent?.destroy();
    await server?.stop({ cleanup: true });
  });

  it("accepts a protobuf create body and answers in protobuf", async () => {
    const r = await raw(col, agent, { method: "POST", body: codec.encodeObject(job("pb1")), headers: { "Content-Type": PB, Accept: PB } });
    assert.equal(r.status, 201, r.body.toString());
    assert.equal(r.type, PB);
    const created = codec.decode(r.body) as any;
    assert.equal(created.metadata.name, "pb1");
    assert.match(created.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal(created.spec.framework, (job("x") as any).spec.framework);
    // the JSON view of the same object equals the protobuf view
    const json = await request(`${col}/pb1`, { agent });
    assert.deepEqual(JSON.parse(JSON.stringify(codec.decode((await raw(`${col}/pb1`, agent, { headers: { Accept: PB } })).body))), json.json());
  });

  it("rejects a malformed protobuf body with 400", async () => {
    const r = await raw(col, agent, { method: "POST", body: Buffer.from("not protobuf"), headers: { "Content-Type": PB } });
    assert.equal(r.status, 400);
  });

  it("lists in protobuf", async () => {
    await request(col, { method: "POST", body: job("json1"), agent });
    const r = await raw(col, agent, { headers: { Accept: `${PB}, application/json` } });
    assert.equal(r.status, 200);
    assert.equal(r.type, PB);
    const list = codec.decode(r.body) as any;
    const json = (await request(col, { agent })).json();
    assert.equal(list.kind, "TrainingJobList");
    // a quantity written as a JSON number reads back as kube's canonical string
    assert.deepEqual(JSON.parse(JSON.stringify(list.items)), json.items.map((i: unknown) => quantitiesAsStrings(i, TrainingJobProtobuf.types, TrainingJobProtobuf.kind)));
    assert.equal(list.metadata.resourceVersion, json.metadata.resourceVersion);
  });

  it("keeps Table JSON-only: protobuf-only Table is 406, with a JSON alternative JSON", async () => {
    const table = "application/vnd.kubernetes.protobuf;as=Table;g=meta.k8s.io;v=v1";
    assert.equal((await raw(col, agent, { headers: { Accept: table } })).status, 406);
    const r = await request(col, { agent, headers: { Accept: `${table},application/json;as=Table;g=meta.k8s.io;v=v1` } });
    assert.equal(r.status, 200);
    assert.equal(r.json().kind, "Table");
  });

  it("streams a protobuf watch as length-delimited WatchEvent frames", async () => {
    const events: any[] = [];
    const splitter = new FrameSplitter();
    let type = "";
    let req: ReturnType<typeof https.request> | undefined;
    const done = new Promise<void>((resolve, reject) => {
      req = https.request(`${col}?watch=true&timeoutSeconds=20`, { agent, headers: { Accept: `${PB};stream=watch` } }, (res) => {
        type = String(res.headers["content-type"]);
        res.on("data", (chunk: Buffer) => {
          for (const frame of splitter.push(chunk)) events.push(codec.decodeWatchEvent(frame));
          if (events.some((e) => e.type === "DELETED")) resolve();
        });
        res.on("error", reject);
      });
      req.on("error", (e) => (events.some((x) => x.type === "DELETED") ? resolve() : reject(e)));
      req.end();
    });
    await new Promise((r) => setTimeout(r, 300));
    await request(col, { method: "POST", body: job("w1"), agent });
    const del = await raw(`${col}/w1`, agent, { method: "DELETE", headers: { Accept: PB } });
    assert.equal(del.status, 200);
    assert.equal(del.type, PB);
    await done;
    req!.destroy();
    assert.equal(type, `${PB};stream=watch`);
    const names = events.map((e) => `${e.type} ${e.object.metadata.name}`);
    assert.ok(names.includes("ADDED pb1") && names.includes("ADDED w1") && names.includes("DELETED w1"), names.join(", "));
    const added = events.find((e) => e.type === "ADDED" && e.object.metadata.name === "w1").object;
    assert.equal(added.kind, "TrainingJob");
    assert.equal(added.apiVersion, "skai.io/v1alpha1");
  });
});
