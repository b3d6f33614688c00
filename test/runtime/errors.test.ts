import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, ns, startHarness, widget, type Harness } from "./harness.js";

describe("errors and edge cases", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({}, undefined, { waitForRevisionMs: 50 });
    await call(h, "POST", ns(), widget("a"));
  });
  after(() => h.close());

  it("a resourceVersion from the future is a 504 with Retry-After", async () => {
    const r = await call(h, "GET", `${ns()}/a?resourceVersion=999999`);
    assert.equal(r.status, 504);
    assert.equal(r.headers["retry-after"], "1");
    assert.equal(r.body.reason, "Timeout");
    assert.deepEqual(r.body.details.causes, [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }]);
  });

  it("repeated lists are served again only while nothing changed", async () => {
    const l1 = await call(h, "GET", ns());
    const l2 = await call(h, "GET", ns());
    assert.equal(l1.text, l2.text);
    await call(h, "POST", ns(), widget("b"));
    const l3 = await call(h, "GET", ns());
    assert.equal(l3.body.items.length, l1.body.items.length + 1);
    assert.notEqual(l3.body.metadata.resourceVersion, l1.body.metadata.resourceVersion);
    const y = await call(h, "GET", ns(), undefined, { accept: "application/yaml" });
    assert.match(y.text, /^apiVersion: test.skai.io\/v1\nitems:|^kind: WidgetList/m);
  });

  it("a non-numeric resourceVersion is a 400", async () => {
    const r = await call(h, "GET", `${ns()}?resourceVersion=abc`);
    assert.equal(r.status, 400);
  });

  it("unknown subresources and routes kube does not install are 404 Status", async () => {
    const r = await call(h, "GET", `${ns()}/a/nothing`);
    assert.equal(r.status, 404);
    assert.equal(r.body.kind, "Status");
    const clusterGet = await call(h, "GET", `/apis/test.skai.io/v1/widgets/a`);
    assert.equal(clusterGet.status, 404);
  });

  it("unsupported verbs on a subresource are 405", async () => {
    const r = await call(h, "DELETE", `${ns()}/a/status`);
    assert.equal(r.status, 405);
    assert.equal(r.body.reason, "MethodNotAllowed");
  });

  it("Table for a single object; PartialObjectMetadataList for an object is 406", async () => {
    const t = await call(h, "GET", `${ns()}/a`, undefined, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
    assert.equal(t.body.kind, "Table");
    assert.equal(t.body.rows.length, 1);
    assert.equal(t.body.metadata.resourceVersion, t.body.rows[0].object.metadata.resourceVersion);
    const p = await call(h, "GET", `${ns()}/a`, undefined, { accept: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1" });
    assert.equal(p.status, 406);
  });

  it("pretty output for curl", async () => {
    const r = await call(h, "GET", `${ns()}/a`, undefined, { "user-agent": "curl/8.0" });
    assert.match(r.text, /^\{\n {2}"apiVersion"/);
  });

  it("a body that is not an object is a 400", async () => {
    const r = await call(h, "POST", ns(), "[1,2]");
    assert.equal(r.status, 400);
    assert.match(r.body.message, /^the object provided is unrecognized \(must be of type Widget\)/);
  });

  it("too deep JSON is a 400", async () => {
    const deep = `{"apiVersion":"test.skai.io/v1","kind":"Widget","metadata":{"name":"d"},"spec":{"free":${"[".repeat(10001)}${"]".repeat(10001)}}}`;
    const r = await call(h, "POST", ns(), deep);
    assert.equal(r.status, 400);
  });
});
