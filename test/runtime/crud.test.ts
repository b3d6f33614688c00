import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GV, call, gadgetDef, ns, startHarness, widget, type Harness } from "./harness.js";

describe("create/get/update/delete", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it("creates with 201, server fields, defaults, status dropped", async () => {
    const r = await call(h, "POST", ns(), { ...widget("a", { replicas: 2 }), status: { phase: "Up" } });
    assert.equal(r.status, 201);
    assert.equal(r.headers["content-type"], "application/json");
    assert.equal(r.headers["cache-control"], "no-cache, private");
    const m = r.body.metadata;
    assert.equal(m.namespace, "default");
    assert.equal(m.generation, 1);
    assert.match(m.uid, /^[0-9a-f-]{36}$/);
    assert.match(m.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(m.resourceVersion);
    assert.equal(r.body.spec.color, "blue");
    assert.equal(r.body.status, undefined);
    assert.equal(m.managedFields[0].operation, "Update");
    assert.equal(m.managedFields[0].fieldsType, "FieldsV1");
    const g = await call(h, "GET", `${ns()}/a`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.body, r.body);
  });

  it("409 AlreadyExists with kube's Status", async () => {
    const r = await call(h, "POST", ns(), widget("a"));
    assert.equal(r.status, 409);
    assert.deepEqual(r.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'widgets.test.skai.io "a" already exists',
      reason: "AlreadyExists",
      details: { name: "a", group: "test.skai.io", kind: "widgets" },
      code: 409,
    });
  });

  it("404 NotFound", async () => {
    const r = await call(h, "GET", `${ns()}/missing`);
    assert.equal(r.status, 404);
    assert.equal(r.body.message, 'widgets.test.skai.io "missing" not found');
    assert.equal(r.body.reason, "NotFound");
  });

  it("generateName and name required", async () => {
    const r = await call(h, "POST", ns(), { apiVersion: GV, kind: "Widget", metadata: { generateName: "gen-" }, spec: {} });
    assert.equal(r.status, 201);
    assert.match(r.body.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const bad = await call(h, "POST", ns(), { apiVersion: GV, kind: "Widget", metadata: {}, spec: {} });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.message, 'Widget.test.skai.io "" is invalid: metadata.name: Required value: name or generateName is required');
    assert.deepEqual(bad.body.details.causes, [
      { reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name" },
    ]);
  });

  it("a generateName prefix is checked as apimachinery's maskTrailingDash leaves it", async () => {
    // The last two characters become one 'a': 253 a's and a dash pass as 253 a's (the name is cut to 58 + 5).
    const long = await call(h, "POST", ns(), { apiVersion: GV, kind: "Widget", metadata: { generateName: `${"a".repeat(253)}-` }, spec: {} });
    assert.equal(long.status, 201, long.text);
    assert.match(long.body.metadata.name, /^a{58}[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    // A lone dash is not masked (it needs two characters): the prefix itself is invalid, and so is the name made from it.
    const dash = await call(h, "POST", ns(), { apiVersion: GV, kind: "Widget", metadata: { generateName: "-" }, spec: {} });
    assert.equal(dash.status, 422, dash.text);
    assert.deepEqual(
      dash.body.details.causes.map((c: { field: string }) => c.field),
      ["metadata.generateName", "metadata.name"],
    );
  });

  it("rejects bad names, wrong apiVersion/kind, namespace mismatch", async () => {
    const dots = await call(h, "POST", ns(), widget(".."));
    assert.equal(dots.status, 422);
    assert.match(dots.body.message, /metadata\.name: Invalid value: "\.\.": a lowercase RFC 1123 subdomain/);
    const slash = await call(h, "POST", ns(), widget("a/b"));
    assert.equal(slash.status, 422);
    const av = await call(h, "POST", ns(), { ...widget("x"), apiVersion: "other.io/v1" });
    assert.equal(av.status, 400);
    assert.equal(av.body.message, "the API version in the data (other.io/v1) does not match the expected API version (test.skai.io/v1)");
    const kind = await call(h, "POST", ns(), { ...widget("x"), kind: "Nope" });
    assert.equal(kind.status, 400);
    assert.match(kind.body.message, /^Nope in version "v1" cannot be handled as a Widget/);
    const nsm = await call(h, "POST", ns(), widget("x", {}, { namespace: "other" }));
    assert.equal(nsm.status, 400);
    assert.equal(nsm.body.message, "the namespace of the provided object does not match the namespace sent on the request");
    const rv = await call(h, "POST", ns(), widget("x", {}, { resourceVersion: "5" }));
    assert.equal(rv.status, 500);
    assert.equal(rv.body.message, "resourceVersion should not be set on objects to be created");
  });

  it("validation 422 with causes", async () => {
    const r = await call(h, "POST", ns(), widget("big", { replicas: 500 }));
    assert.equal(r.status, 422);
    assert.equal(r.body.message, 'Widget.test.skai.io "big" is invalid: spec.replicas: Invalid value: 500: must be less than or equal to 100');
    assert.equal(r.body.details.kind, "Widget");
  });

  it("415 for unknown content types, 400 for malformed JSON, 413 for big bodies", async () => {
    const r = await call(h, "POST", ns(), "x", { "content-type": "text/plain" });
    assert.equal(r.status, 415);
    assert.equal(r.body.reason, "UnsupportedMediaType");
    const bad = await call(h, "POST", ns(), "{nope");
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /^the object provided is unrecognized \(must be of type Widget\)/);
    const big = await call(h, "POST", ns(), JSON.stringify({ ...widget("big"), pad: "x".repeat(3 * 1024 * 1024) }));
    assert.equal(big.status, 413);
    assert.equal(big.body.message, "Request entity too large: limit is 3145728");
  });

  it("drops nulls of non-nullable fields and of metadata", async () => {
    const r = await call(h, "POST", ns(), { ...widget("nulls", { replicas: 1, extra: null }), metadata: { name: "nulls", labels: null, creationTimestamp: null } });
    assert.equal(r.status, 201);
    assert.equal("extra" in r.body.spec, false);
    assert.equal("labels" in r.body.metadata, false);
  });

  it("accepts YAML bodies", async () => {
    const yaml = `apiVersion: ${GV}\nkind: Widget\nmetadata:\n  name: yml\nspec:\n  replicas: 3\n`;
    const r = await call(h, "POST", ns(), yaml, { "content-type": "application/yaml" });
    assert.equal(r.status, 201);
    assert.equal(r.body.spec.replicas, 3);
    const y = await call(h, "GET", `${ns()}/yml`, undefined, { accept: "application/yaml" });
    assert.equal(y.headers["content-type"], "application/yaml");
    assert.match(y.text, /replicas: 3/);
  });

  it("update: 200, generation bump on spec change only, conflicts, status ignored, RV required", async () => {
    const cur = (await call(h, "GET", `${ns()}/a`)).body;
    const labelled = structuredClone(cur);
    labelled.metadata.labels = { x: "y" };
    labelled.status = { phase: "Ignored" };
    const u1 = await call(h, "PUT", `${ns()}/a`, labelled);
    assert.equal(u1.status, 200);
    assert.equal(u1.body.metadata.generation, 1);
    assert.equal(u1.body.status, undefined);
    assert.notEqual(u1.body.metadata.resourceVersion, cur.metadata.resourceVersion);
    const stale = await call(h, "PUT", `${ns()}/a`, cur);
    assert.equal(stale.status, 409);
    assert.equal(
      stale.body.message,
      'Operation cannot be fulfilled on widgets.test.skai.io "a": the object has been modified; please apply your changes to the latest version and try again',
    );
    const spec = structuredClone(u1.body);
    spec.spec.replicas = 5;
    const u2 = await call(h, "PUT", `${ns()}/a`, spec);
    assert.equal(u2.body.metadata.generation, 2);
    const norv = structuredClone(u2.body);
    delete norv.metadata.resourceVersion;
    const u3 = await call(h, "PUT", `${ns()}/a`, norv);
    assert.equal(u3.status, 422);
    assert.equal(u3.body.message, 'widgets.test.skai.io "a" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
    const name = await call(h, "PUT", `${ns()}/other`, u2.body);
    assert.equal(name.status, 400);
    assert.equal(name.body.message, "the name of the object (a) does not match the name on the URL (other)");
    const missing = structuredClone(u2.body);
    missing.metadata.name = "ghost";
    const m = await call(h, "PUT", `${ns()}/ghost`, missing);
    assert.equal(m.status, 404);
  });

  it("transition rules get the old object", async () => {
    const c = await call(h, "POST", ns(), widget("frozen", { color: "frozen" }));
    const next = structuredClone(c.body);
    next.spec.color = "red";
    const r = await call(h, "PUT", `${ns()}/frozen`, next);
    assert.equal(r.status, 422);
    assert.match(r.body.message, /is immutable once frozen/);
  });

  it("status subresource: only status changes", async () => {
    const cur = (await call(h, "GET", `${ns()}/a`)).body;
    const body = structuredClone(cur);
    body.status = { phase: "Running", replicas: 4 };
    body.spec.replicas = 99;
    body.metadata.labels = { changed: "yes" };
    const r = await call(h, "PUT", `${ns()}/a/status`, body);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.status, { phase: "Running", replicas: 4 });
    assert.equal(r.body.spec.replicas, cur.spec.replicas);
    assert.deepEqual(r.body.metadata.labels, cur.metadata.labels);
    assert.equal(r.body.metadata.generation, cur.metadata.generation);
    assert.ok(r.body.metadata.managedFields.some((e: { subresource?: string }) => e.subresource === "status"));
    const p = await call(h, "PATCH", `${ns()}/a/status`, { status: { phase: "Done" } }, { "content-type": "application/merge-patch+json" });
    assert.equal(p.status, 200);
    assert.equal(p.body.status.phase, "Done");
    assert.equal(p.body.status.replicas, 4);
  });

  it("scale subresource", async () => {
    const g = await call(h, "GET", `${ns()}/a/scale`);
    assert.equal(g.status, 200);
    assert.equal(g.body.kind, "Scale");
    assert.equal(g.body.apiVersion, "autoscaling/v1");
    assert.equal(g.body.spec.replicas, 5);
    assert.equal(g.body.status.replicas, 4);
    const p = await call(h, "PATCH", `${ns()}/a/scale`, { spec: { replicas: 7 } }, { "content-type": "application/merge-patch+json" });
    assert.equal(p.status, 200);
    assert.equal(p.body.spec.replicas, 7);
    const obj = (await call(h, "GET", `${ns()}/a`)).body;
    assert.equal(obj.spec.replicas, 7);
    const put = await call(h, "PUT", `${ns()}/a/scale`, { ...p.body, spec: { replicas: 3 } });
    assert.equal(put.status, 200);
    assert.equal(put.body.spec.replicas, 3);
    const stale = await call(h, "PUT", `${ns()}/a/scale`, { ...p.body, spec: { replicas: 2 } });
    assert.equal(stale.status, 409);
    const neg = await call(h, "PUT", `${ns()}/a/scale`, { ...put.body, spec: { replicas: -1 } });
    assert.equal(neg.status, 422);
  });

  // apiextensions' ScaleREST.Get: a Scale of an object without spec replicas is an internal error.
  it("GET scale of an object without spec replicas is kube's 500", async () => {
    assert.equal((await call(h, "POST", ns(), widget("no-replicas", {}))).status, 201);
    const g = await call(h, "GET", `${ns()}/no-replicas/scale`);
    assert.equal(g.status, 500);
    assert.equal(g.body.reason, "InternalError");
    assert.equal(g.body.message, 'Internal error occurred: the spec replicas field ".spec.replicas" does not exist');
    assert.equal((await call(h, "DELETE", `${ns()}/no-replicas`)).status, 200);
  });

  it("dryRun=All writes nothing; bad dryRun is 422", async () => {
    const r = await call(h, "POST", `${ns()}?dryRun=All`, widget("dry"));
    assert.equal(r.status, 201);
    assert.equal((await call(h, "GET", `${ns()}/dry`)).status, 404);
    const bad = await call(h, "POST", `${ns()}?dryRun=Yes`, widget("dry"));
    assert.equal(bad.status, 422);
    assert.equal(bad.body.message, 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Yes"}: supported values: "All"');
    const fm = await call(h, "POST", `${ns()}?fieldManager=${"m".repeat(129)}`, widget("dry"));
    assert.equal(fm.status, 422);
    const cur = (await call(h, "GET", `${ns()}/a`)).body;
    const changed = structuredClone(cur);
    changed.spec.replicas = 42;
    const dryPut = await call(h, "PUT", `${ns()}/a?dryRun=All`, changed);
    assert.equal(dryPut.status, 200);
    assert.equal(dryPut.body.spec.replicas, 42);
    assert.equal((await call(h, "GET", `${ns()}/a`)).body.spec.replicas, cur.spec.replicas);
    const del = await call(h, "DELETE", `${ns()}/a?dryRun=All`);
    assert.equal(del.status, 200);
    assert.equal((await call(h, "GET", `${ns()}/a`)).body.metadata.resourceVersion, cur.metadata.resourceVersion);
  });

  it("field validation: Strict 400, Warn headers, Ignore silent; unknown fields pruned", async () => {
    const body = `{"apiVersion":"${GV}","kind":"Widget","metadata":{"name":"fv","bogus":1},"spec":{"replicas":1,"replicas":2,"foo":1,"free":{"any":1}}}`;
    const strict = await call(h, "POST", `${ns()}?fieldValidation=Strict`, body);
    assert.equal(strict.status, 400);
    assert.equal(
      strict.body.message,
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: duplicate field "spec.replicas", unknown field "metadata.bogus", unknown field "spec.foo"',
    );
    const warn = await call(h, "POST", ns(), body);
    assert.equal(warn.status, 201);
    assert.equal(
      warn.headers["warning"],
      '299 - "duplicate field \\"spec.replicas\\"", 299 - "unknown field \\"metadata.bogus\\"", 299 - "unknown field \\"spec.foo\\""',
    );
    assert.equal(warn.body.spec.foo, undefined);
    assert.equal(warn.body.metadata.bogus, undefined);
    assert.deepEqual(warn.body.spec.free, { any: 1 });
    const ign = await call(h, "POST", `${ns()}?fieldValidation=Ignore`, body.replace('"fv"', '"fv2"'));
    assert.equal(ign.status, 201);
    assert.equal(ign.headers["warning"], undefined);
    const bad = await call(h, "POST", `${ns()}?fieldValidation=Loud`, body);
    assert.equal(bad.status, 422);
  });

  it("finalizers: delete marks, removing the last finalizer deletes", async () => {
    await call(h, "POST", ns(), widget("fin", { replicas: 1 }, { finalizers: ["test.skai.io/keep"] }));
    const d = await call(h, "DELETE", `${ns()}/fin`);
    assert.equal(d.status, 200);
    assert.equal(d.body.kind, "Widget");
    assert.ok(d.body.metadata.deletionTimestamp);
    assert.equal(d.body.metadata.deletionGracePeriodSeconds, 0);
    assert.equal(d.body.metadata.generation, 2);
    const again = await call(h, "DELETE", `${ns()}/fin`);
    assert.equal(again.body.metadata.resourceVersion, d.body.metadata.resourceVersion);
    const add = structuredClone(d.body);
    add.metadata.finalizers.push("x.io/more");
    const forbidden = await call(h, "PUT", `${ns()}/fin`, add);
    assert.equal(forbidden.status, 422);
    const p = await call(h, "PATCH", `${ns()}/fin`, { metadata: { finalizers: null } }, { "content-type": "application/merge-patch+json" });
    assert.equal(p.status, 200);
    assert.equal((await call(h, "GET", `${ns()}/fin`)).status, 404);
  });

  it("delete: Status with details; preconditions; propagation finalizers", async () => {
    const c = await call(h, "POST", ns(), widget("gone"));
    const pre = await call(h, "DELETE", `${ns()}/gone`, { kind: "DeleteOptions", apiVersion: "v1", preconditions: { uid: "nope" } });
    assert.equal(pre.status, 409);
    assert.match(pre.body.message, /the UID in the precondition \(nope\) does not match the UID in record/);
    const d = await call(h, "DELETE", `${ns()}/gone`, { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" });
    assert.equal(d.status, 200);
    assert.deepEqual(d.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: { name: "gone", group: "test.skai.io", kind: "widgets", uid: c.body.metadata.uid },
    });
    await call(h, "POST", ns(), widget("fg"));
    const fg = await call(h, "DELETE", `${ns()}/fg?propagationPolicy=Foreground`);
    assert.equal(fg.status, 200);
    assert.deepEqual(fg.body.metadata.finalizers, ["foregroundDeletion"]);
    const bad = await call(h, "DELETE", `${ns()}/fg?propagationPolicy=Sideways`);
    assert.equal(bad.status, 422);
    assert.match(bad.body.message, /^DeleteOptions\.meta\.k8s\.io "" is invalid: propagationPolicy: Unsupported value: "Sideways"/);
  });

  it("deletecollection by label returns the list", async () => {
    await call(h, "POST", ns("dc"), widget("one", {}, { labels: { app: "x" } }));
    await call(h, "POST", ns("dc"), widget("two", {}, { labels: { app: "x" } }));
    await call(h, "POST", ns("dc"), widget("three", {}, { labels: { app: "y" } }));
    const r = await call(h, "DELETE", `${ns("dc")}?labelSelector=app%3Dx`);
    assert.equal(r.status, 200);
    assert.equal(r.body.kind, "WidgetList");
    assert.deepEqual(r.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ["one", "two"]);
    const left = await call(h, "GET", ns("dc"));
    assert.deepEqual(left.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ["three"]);
  });

  it("cluster-scoped kinds", async () => {
    const path = `/apis/${GV}/gadgets`;
    const r = await call(h, "POST", path, { apiVersion: GV, kind: "Gadget", metadata: { name: "g1" }, spec: {} });
    assert.equal(r.status, 201);
    assert.equal(r.body.metadata.namespace, undefined);
    const l = await call(h, "GET", path);
    assert.equal(l.body.kind, gadgetDef.listKind);
    assert.equal(l.body.items.length, 1);
    const st = await call(h, "GET", `${path}/g1/status`);
    assert.equal(st.status, 404);
  });

  it("reports metrics through observe", () => {
    assert.ok(h.observed.some(([verb, res, code]) => verb === "create" && res === "widgets" && code === 201));
  });
});
