import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:tls";
import { call, startServer, type TestServer } from "./fixtures.js";

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

/** Sends raw bytes over TLS (with the admin certificate) and returns whatever comes back. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: server.port, ca: server.certs.ca.certPem, cert: server.certs.admin.certPem, key: server.certs.admin.keyPem }, () => {
      socket.end(bytes);
    });
    let out = "";
    socket.on("data", (d) => (out += d));
    socket.on("end", () => resolve(out));
    socket.on("close", () => resolve(out));
    socket.on("error", reject);
    socket.setTimeout(3000, () => {
      socket.destroy();
      reject(new Error("hung"));
    });
  });
}

test("dot segments are rejected with a 400 Status, never resolved or redirected", async () => {
  for (const path of [
    "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/..",
    "/apis/skai.io/v1alpha1/namespaces/../notebooks",
    "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/%2e%2e",
    "/apis/../healthz",
    "/./apis",
  ]) {
    const r = await call(server, path);
    assert.equal(r.status, 400, path);
    assert.equal(r.json().reason, "BadRequest", path);
    assert.equal(r.headers.location, undefined);
  }
});

test("encoded slashes split like any other slash and miss every route", async () => {
  const r = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/a%2Fb%2Fc%2Fd");
  assert.equal(r.status, 404);
  assert.equal(r.json().message, "the server could not find the requested resource");
});

test("undecodable escapes are a 400 Status", async () => {
  const r = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/%zz");
  assert.equal(r.status, 400);
  assert.equal(r.json().kind, "Status");
});

test("unknown resources, subresources and shapes are 404 Status; wrong methods 405 Status", async () => {
  const cases: Array<[string, string, number]> = [
    ["GET", "/apis/skai.io/v1alpha1/namespaces/ns/widgets", 404],
    ["GET", "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1/scale", 404],
    ["GET", "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1/status/extra", 404],
    // A namespaced kind without a namespace: only the cross-namespace list exists.
    ["GET", "/apis/skai.io/v1alpha1/notebooks/nb1", 404],
    ["POST", "/apis/skai.io/v1alpha1/notebooks", 405],
    // A cluster-scoped kind inside a namespace.
    ["GET", "/apis/skai.io/v1alpha1/namespaces/ns/clusterqueues", 404],
    ["POST", "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1", 405],
    ["PUT", "/apis/skai.io/v1alpha1/namespaces/ns/notebooks", 405],
    ["DELETE", "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1/log", 405],
    ["POST", "/apis/skai.io/v1alpha1/watch/namespaces/ns/notebooks", 405],
  ];
  for (const [method, path, code] of cases) {
    const r = await call(server, path, { method });
    assert.equal(r.status, code, `${method} ${path}`);
    assert.equal(r.json().kind, "Status");
  }
});

test("routable requests reach the resource handler", async () => {
  const cases: Array<[string, string, string]> = [
    ["GET", "/apis/skai.io/v1alpha1/notebooks", "list"],
    ["GET", "/apis/skai.io/v1alpha1/notebooks?watch=true", "watch"],
    ["POST", "/apis/skai.io/v1alpha1/namespaces/ns/notebooks", "create"],
    ["DELETE", "/apis/skai.io/v1alpha1/namespaces/ns/notebooks", "deletecollection"],
    ["PATCH", "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1/status", "patch"],
    ["PUT", "/apis/skai.io/v1alpha1/namespaces/ns/trainingjobs/tj/scale", "update"],
    ["POST", "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1/exec", "create"],
    ["GET", "/apis/skai.io/v1alpha1/watch/namespaces/ns/notebooks", "watch"],
    ["POST", "/apis/skai.io/v1alpha1/clusterqueues", "create"],
    ["GET", "/apis/skai.io/v1alpha1/clusterqueues/q1", "get"],
  ];
  for (const [method, path, verb] of cases) {
    const r = await call(server, path, { method });
    assert.equal(r.status, 200, `${method} ${path}`);
    assert.equal(r.json().info.verb, verb, `${method} ${path}`);
  }
});

test("unknown paths and group-versions get Go's plain 404", async () => {
  for (const path of ["/nope", "/apis/other.io/v1/things", "/apis/other.io", "/api/v1/pods", "/openapi/v3/apis/x/y", "/apis/skai.io/v9"]) {
    const r = await call(server, path);
    assert.equal(r.status, 404, path);
    assert.equal(r.body, "404 page not found\n");
  }
});

test("garbled query strings never crash the server", async () => {
  for (const q of ["%", "a=%zz", "watch=%", "fieldSelector=%3D%3D%3D", "fieldSelector=metadata.name%3D", "labelSelector=((", "timeout=%FF", "&&&==&", "watch"]) {
    const r = await call(server, `/apis/skai.io/v1alpha1/namespaces/ns/notebooks?${q}`);
    assert.ok(r.status < 500, `${q}: ${r.status}`);
  }
  const ok = await call(server, "/healthz");
  assert.equal(ok.status, 200);
});

test("malformed request lines get a 400 from the HTTP parser, and the server lives on", async () => {
  const reply = await raw("GARBAGE\r\n\r\n");
  assert.match(reply, /^HTTP\/1\.1 400/);
  const absolute = await raw("GET https://example.com/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  assert.match(absolute, /^HTTP\/1\.1 200/);
  const ok = await call(server, "/healthz");
  assert.equal(ok.status, 200);
});

test("namespaces are implicit: GET /api/v1/namespaces/<ns> answers an Active Namespace", async () => {
  const r = await call(server, "/api/v1/namespaces/team-a");
  assert.equal(r.status, 200);
  assert.deepEqual(r.json().status, { phase: "Active" });
  assert.equal(r.json().metadata.name, "team-a");
  for (const path of ["/api/v1/namespaces/Not_A_Label", "/api/v1/namespaces", "/api/v1/namespaces/team-a/pods"]) {
    assert.equal((await call(server, path)).status, 404, path);
  }
  assert.equal((await call(server, "/api/v1/namespaces/team-a", { method: "DELETE" })).status, 404);
});
