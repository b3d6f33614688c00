/**
 * `kubectl replace` with a manifest whose `metadata.uid` is not the stored one gets
 * kube-apiserver's 409: the body's uid is a storage precondition
 * (k8s.io/apiserver pkg/registry/rest/update.go defaultUpdatedObjectInfo.Preconditions,
 * pkg/registry/generic/registry/store.go Update, pkg/storage/interfaces.go Preconditions.Check,
 * pkg/storage/errors/storage.go InterpretUpdateError -> NewConflict), on the main resource
 * and on /status, against the generated SKAI apiserver.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { requires } from "../support/requirements.js";
import { startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";

const NB = "notebooks.v1alpha1.skai.io";

describe("kubectl replace with another object's uid", { timeout: 120_000, skip: requires("kubectl") }, () => {
  let server: GeneratedServer;
  before(async () => {
    server = await startGeneratedServer();
  });
  after(async () => {
    await server?.stop({ cleanup: true });
  });

  it("is 409 Conflict with kube's precondition message, main resource and /status", () => {
    const manifest = { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "uid-nb", namespace: "default" }, spec: { image: "img:1" } };
    const created = server.kubectl(["create", "-f", "-", "-o", "json"], { input: JSON.stringify(manifest) });
    assert.equal(created.status, 0, created.stderr);
    const stored = JSON.parse(created.stdout).metadata.uid as string;
    const other = "11111111-2222-3333-4444-555555555555";
    const body = JSON.stringify({ ...manifest, metadata: { ...manifest.metadata, uid: other } });
    const expected =
      `Operation cannot be fulfilled on notebooks.skai.io "uid-nb": StorageError: invalid object, Code: 4, ` +
      `Key: /skai.io/notebooks/default/uid-nb, ResourceVersion: 0, ` +
      `AdditionalErrorMsg: Precondition failed: UID in precondition: ${other}, UID in object meta: ${stored}`;
    for (const sub of [[], ["--subresource", "status"]]) {
      const r = server.kubectl(["replace", "-f", "-", ...sub], { input: body });
      assert.notEqual(r.status, 0);
      // The last line: v1alpha1's deprecation warning comes first.
      assert.equal(r.stderr.trim().split("\n").pop(), `Error from server (Conflict): error when replacing "STDIN": ${expected}`);
    }
    const same = server.kubectl(["get", NB, "uid-nb", "-n", "default", "-o", "jsonpath={.metadata.uid}"]);
    assert.equal(same.stdout, stored);
  });
});
