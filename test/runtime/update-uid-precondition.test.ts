/**
 * A PUT whose body carries a `metadata.uid` turns it into a storage precondition, as
 * kube-apiserver does: k8s.io/apiserver pkg/registry/rest/update.go
 * (defaultUpdatedObjectInfo.Preconditions), pkg/registry/generic/registry/store.go Update
 * (GuaranteedUpdate with those preconditions; no create on update for a CRD), pkg/storage/interfaces.go
 * (Preconditions.Check), pkg/storage/errors.go (StorageError.Error) and
 * pkg/storage/errors/storage.go (InterpretUpdateError -> NewConflict). So a different uid is
 * 409 Conflict, checked before resourceVersion and validation, for the main resource, /status and /scale.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GROUP, call, ns, startHarness, widget, type Harness } from "./harness.js";

const preconditionMessage = (name: string, bodyUID: string, storedUID: string) =>
  `Operation cannot be fulfilled on widgets.${GROUP} "${name}": StorageError: invalid object, Code: 4, ` +
  `Key: /${GROUP}/widgets/default/${name}, ResourceVersion: 0, ` +
  `AdditionalErrorMsg: Precondition failed: UID in precondition: ${bodyUID}, UID in object meta: ${storedUID}`;

const conflictStatus = (name: string, message: string) => ({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message,
  reason: "Conflict",
  details: { name, group: GROUP, kind: "widgets" },
  code: 409,
});

describe("PUT with a metadata.uid: a storage precondition (store.go Update)", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it("a different uid is 409 Conflict with kube's Status, on the resource and on /status", async () => {
    const c = await call(h, "POST", ns(), widget("u1"));
    assert.equal(c.status, 201);
    const stored = c.body.metadata.uid as string;
    const other = "00000000-0000-0000-0000-000000000001";
    const body = structuredClone(c.body);
    body.metadata.uid = other;
    const put = await call(h, "PUT", `${ns()}/u1`, body);
    assert.equal(put.status, 409);
    assert.deepEqual(put.body, conflictStatus("u1", preconditionMessage("u1", other, stored)));
    const status = await call(h, "PUT", `${ns()}/u1/status`, body);
    assert.equal(status.status, 409);
    assert.deepEqual(status.body, conflictStatus("u1", preconditionMessage("u1", other, stored)));
  });

  it("a PUT to /scale uses the Scale's uid the same way (apiextensions etcd.go scaleUpdatedObjectInfo)", async () => {
    const c = await call(h, "POST", ns(), widget("u4"));
    const scale = await call(h, "GET", `${ns()}/u4/scale`);
    assert.equal(scale.body.metadata.uid, c.body.metadata.uid);
    const body = structuredClone(scale.body);
    body.metadata.uid = "other";
    body.spec.replicas = 7;
    const put = await call(h, "PUT", `${ns()}/u4/scale`, body);
    assert.equal(put.status, 409);
    assert.deepEqual(put.body, conflictStatus("u4", preconditionMessage("u4", "other", c.body.metadata.uid)));
    body.metadata.uid = c.body.metadata.uid;
    const ok = await call(h, "PUT", `${ns()}/u4/scale`, body);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.spec.replicas, 7);
  });

  it("the uid is checked before resourceVersion and validation", async () => {
    const c = await call(h, "POST", ns(), widget("u2"));
    const body = structuredClone(c.body);
    body.metadata.uid = "other";
    body.metadata.resourceVersion = "1";
    body.spec.replicas = "not a number";
    const put = await call(h, "PUT", `${ns()}/u2`, body);
    assert.equal(put.status, 409);
    assert.equal(put.body.message, preconditionMessage("u2", "other", c.body.metadata.uid));
  });

  it("the stored uid, or none, updates as before", async () => {
    const c = await call(h, "POST", ns(), widget("u3"));
    const same = structuredClone(c.body);
    same.spec.replicas = 3;
    const ok = await call(h, "PUT", `${ns()}/u3`, same);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.spec.replicas, 3);
    const none = structuredClone(ok.body);
    delete none.metadata.uid;
    none.spec.replicas = 4;
    const ok2 = await call(h, "PUT", `${ns()}/u3`, none);
    assert.equal(ok2.status, 200);
    assert.equal(ok2.body.metadata.uid, c.body.metadata.uid);
  });

  it("a missing object is 404 NotFound, with or without a uid in the body", async () => {
    // CRDs do not create on update, so store.go reads without ignoreNotFound: KeyNotFound first.
    for (const uid of ["x", undefined]) {
      const body = { ...widget("absent"), metadata: { name: "absent", namespace: "default", uid, resourceVersion: "5" } };
      const put = await call(h, "PUT", `${ns()}/absent`, body);
      assert.equal(put.status, 404);
      assert.equal(put.body.reason, "NotFound");
    }
  });
});
