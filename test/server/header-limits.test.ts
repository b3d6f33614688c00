/**
 * Request header limits as kube's secure serving sets them (k8s.io/apiserver
 * pkg/server/secure_serving.go: MaxHeaderBytes 1 << 20, which Go's net/http applies to
 * the request line and headers together): a URL carrying a 5,000-term label selector is
 * served, headers beyond the limit get 431 (with a metav1.Status, where Go writes plain
 * text) and a log line; a request the parser cannot read gets Go's plain 400.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import tls from "node:tls";
import { createStorage } from "../../runtime/src/storage/index.js";
import type { KVStore } from "../../runtime/src/storage/index.js";
import { call, startServer, type TestServer } from "./fixtures.js";

let server: TestServer;
let storage: KVStore;
const logs: string[] = [];
const NB = "/apis/skai.io/v1alpha1/namespaces/ns/notebooks";

before(async () => {
  storage = createStorage("memory:");
  // the real resource handler over memory storage, so the selector is parsed and applied
  server = await startServer({ storage, resourceHandler: undefined, log: (m) => logs.push(m) });
});
after(async () => {
  await server.close();
  await storage.close();
});

/** Writes `head` byte for byte on a TLS connection with the admin certificate; resolves with all the server sent. */
function raw(head: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const { certPem, keyPem } = server.certs.admin;
    const socket = tls.connect({ host: "127.0.0.1", port: server.port, ca: server.certs.ca.certPem, cert: certPem, key: keyPem, servername: "localhost" }, () =>
      socket.write(head),
    );
    let got = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => (got += d));
    socket.on("close", () => resolve(got));
    // the server may close while the rest of an oversized request is still being written
    socket.on("error", (e) => (got ? undefined : reject(e)));
  });
}

test("a 5,000-term label selector (an 89 KB URL) is served and applied", async () => {
  const nb = (name: string, labels: Record<string, string>) =>
    JSON.stringify({ apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name, namespace: "ns", labels } });
  const headers = { "Content-Type": "application/json" };
  assert.equal((await call(server, NB, { method: "POST", headers, body: nb("plain", {}) })).status, 201);
  assert.equal((await call(server, NB, { method: "POST", headers, body: nb("excluded", { "term-4999": "no" }) })).status, 201);
  const selector = Array.from({ length: 5000 }, (_, i) => `term-${i}!=no`).join(",");
  const path = `${NB}?labelSelector=${encodeURIComponent(selector)}`;
  assert.ok(path.length > 78_000, `${path.length}`);
  const r = await call(server, path);
  assert.equal(r.status, 200, r.body.slice(0, 300));
  assert.deepEqual(
    r.json().items.map((o: { metadata: { name: string } }) => o.metadata.name),
    ["plain"],
  );
});

test("headers just under 1 MiB are served", async () => {
  const r = await call(server, "/version", { headers: { "X-Padding": "a".repeat((1 << 20) - 4096) } });
  assert.equal(r.status, 200);
});

test("headers beyond 1 MiB: 431 with a Status, and a log line", async () => {
  logs.length = 0;
  const answer = await raw(`GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${"a".repeat(1.1 * (1 << 20))}\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/, answer.slice(0, 200));
  assert.match(answer, /\r\nContent-Type: application\/json\r\n/);
  assert.deepEqual(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)), {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: "Request header fields too large: limit is 1048576",
    code: 431,
  });
  assert.equal(logs.length, 1, logs.join("\n"));
  assert.match(logs[0], /^request from 127\.0\.0\.1:\d+ refused: its request line and headers exceed 1052672 bytes \(431\)$/);
  // the server is unharmed
  assert.equal((await call(server, "/version")).status, 200);
});

test("a URL beyond 1 MiB: the same 431 (the request line counts with the headers)", async () => {
  const answer = await raw(`GET ${NB}?labelSelector=${"a".repeat(1.1 * (1 << 20))} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/, answer.slice(0, 200));
  assert.equal(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)).code, 431);
});

test("a request the parser cannot read: Go's plain 400", async () => {
  const answer = await raw("GET /version HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n");
  assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(answer, /\r\n\r\n400 Bad Request$/);
});
