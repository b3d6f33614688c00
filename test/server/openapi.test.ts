import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { call, openapi, startServer, type TestServer } from "./fixtures.js";

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

const expectedHash = createHash("sha512").update(JSON.stringify(openapi.v3["apis/skai.io/v1alpha1"])).digest("hex").toUpperCase();

test("/openapi/v3 lists each group-version with a content hash", async () => {
  const r = await call(server, "/openapi/v3");
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "application/json");
  assert.deepEqual(r.json(), {
    paths: { "apis/skai.io/v1alpha1": { serverRelativeURL: `/openapi/v3/apis/skai.io/v1alpha1?hash=${expectedHash}` } },
  });
});

test("the group-version document with the current hash is cacheable forever", async () => {
  const r = await call(server, `/openapi/v3/apis/skai.io/v1alpha1?hash=${expectedHash}`, { headers: { Accept: "application/json" } });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), openapi.v3["apis/skai.io/v1alpha1"]);
  assert.equal(r.headers.etag, `"${expectedHash}"`);
  assert.equal(r.headers["cache-control"], "public, immutable");
  assert.equal(r.headers.vary, "Accept");
  assert.ok(new Date(r.headers.expires as string).getTime() > Date.now() + 300 * 24 * 3600 * 1000);
});

test("a stale hash gets the current document, never a redirect", async () => {
  const r = await call(server, "/openapi/v3/apis/skai.io/v1alpha1?hash=0000", { headers: { Accept: "application/json" } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.location, undefined);
  assert.equal(r.headers["cache-control"], "no-cache, private");
  assert.deepEqual(r.json(), openapi.v3["apis/skai.io/v1alpha1"]);
});

test("If-None-Match with the ETag gives 304", async () => {
  const r = await call(server, "/openapi/v3/apis/skai.io/v1alpha1", { headers: { "If-None-Match": `"${expectedHash}"` } });
  assert.equal(r.status, 304);
});

test("protobuf-only Accept gets 406; unknown group-versions 404", async () => {
  const r = await call(server, "/openapi/v3/apis/skai.io/v1alpha1", { headers: { Accept: "application/com.github.proto-openapi.spec.v3.v1.0+protobuf" } });
  assert.equal(r.status, 406);
  const missing = await call(server, "/openapi/v3/apis/other.io/v1");
  assert.equal(missing.status, 404);
});

test("/openapi/v2 serves JSON, and 406 for kubectl's protobuf-only Accept", async () => {
  const json = await call(server, "/openapi/v2", { headers: { Accept: "application/json" } });
  assert.equal(json.status, 200);
  assert.equal(json.headers["content-type"], "application/json");
  assert.deepEqual(json.json(), openapi.v2);
  assert.match(json.headers.etag as string, /^"[0-9A-F]{128}"$/);
  const proto = await call(server, "/openapi/v2", { headers: { Accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf" } });
  assert.equal(proto.status, 406);
});
