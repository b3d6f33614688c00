/**
 * An API with no kubernetes-types import (test/fixtures/apis/minimal) serves
 * create and get over JSON and protobuf: its descriptors carry ObjectMeta even
 * though its model never reaches that type (every request answered 500 before).
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { load as parseYAML } from "js-yaml";
import { generateFixture, scratchDir, startFixtureServer, type FixtureServer } from "../support/fixture-apis.js";

const PROTOBUF = "application/vnd.kubernetes.protobuf";

/** One request with the admin credentials of the server's kubeconfig. */
function request(server: FixtureServer, method: string, urlPath: string, headers: Record<string, string>, body?: Buffer | string) {
  const kc = parseYAML(readFileSync(server.kubeconfig, "utf8")) as any;
  const b64 = (s: string) => Buffer.from(s, "base64");
  const url = new URL(urlPath, server.url);
  return new Promise<{ status: number; type: string; body: Buffer }>((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        headers,
        ca: b64(kc.clusters[0].cluster["certificate-authority-data"]),
        cert: b64(kc.users[0].user["client-certificate-data"]),
        key: b64(kc.users[0].user["client-key-data"]),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), body: Buffer.concat(chunks) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("an API without kubernetes-types imports over protobuf", { timeout: 120_000 }, () => {
  let dir: string;
  let server: FixtureServer;
  let client: any;
  let pbClient: any;
  const greetings = "/apis/tiny.example.org/v1alpha1/greetings";

  before(async () => {
    dir = scratchDir("own-api");
    await generateFixture("minimal", dir);
    server = await startFixtureServer(dir);
    const { TinyClient } = await import(path.join(dir, "src/client/index.ts"));
    client = new TinyClient(server.kubeconfig);
    pbClient = new TinyClient({ kubeconfigPath: server.kubeconfig, contentType: "protobuf" });
  });
  after(async () => {
    client?.close();
    pbClient?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("creates and gets over JSON", async () => {
    const body = JSON.stringify({ apiVersion: "tiny.example.org/v1alpha1", kind: "Greeting", metadata: { name: "hello" }, spec: { message: "hi" } });
    const created = await request(server, "POST", greetings, { "content-type": "application/json", accept: "application/json" }, body);
    assert.equal(created.status, 201, created.body.toString());
    const got = await request(server, "GET", `${greetings}/hello`, { accept: "application/json" });
    assert.equal(got.status, 200, got.body.toString());
    const obj = JSON.parse(got.body.toString());
    assert.equal(obj.metadata.name, "hello");
    assert.equal(obj.spec.times, 1, "the default applies");
  });

  it("answers a GET in protobuf, metadata included", async () => {
    const got = await request(server, "GET", `${greetings}/hello`, { accept: PROTOBUF });
    assert.equal(got.status, 200, got.body.toString());
    assert.equal(got.type, PROTOBUF);
    // The envelope's magic number, then the object: its name and uid travel in ObjectMeta.
    assert.deepEqual([...got.body.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00]);
    assert.ok(got.body.includes(Buffer.from("hello")));
  });

  it("creates, gets and lists through the generated client in protobuf with the JSON client's results", async () => {
    const created = await pbClient.tinyV1alpha1.greetings().create({ metadata: { name: "pb", labels: { via: "protobuf" } }, spec: { message: "over the wire", times: 3 } });
    assert.equal(created.metadata.name, "pb");
    assert.equal(created.metadata.labels.via, "protobuf");
    assert.ok(created.metadata.uid);
    const got = await pbClient.tinyV1alpha1.greetings().get("pb");
    assert.deepEqual(got, await client.tinyV1alpha1.greetings().get("pb"));
    const list = await pbClient.tinyV1alpha1.greetings().list();
    assert.deepEqual(
      list.items.map((g: any) => g.metadata.name),
      ["hello", "pb"],
    );
  });
});
