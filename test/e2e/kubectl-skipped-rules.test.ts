/**
 * A 422 carries `<nil>: Invalid value: null: some validation rules were not checked ...`
 * only when the kind has CEL rules that a blocking schema error made the server skip, as
 * apiextensions-apiserver: pkg/registry/customresource/strategy.go (hasBlockingErr is asked
 * only when the kind's CEL validator is not nil) and pkg/apiserver/schema/cel/validation.go
 * (NewValidator is nil without x-kubernetes-validations). Real kubectl against the generated
 * SKAI apiserver: Queue has no rules, Notebook has some.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { requires } from "../support/requirements.js";
import { startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";

const SKIPPED = "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

describe("the 'some validation rules were not checked' cause, through kubectl", { timeout: 120_000, skip: requires("kubectl") }, () => {
  let server: GeneratedServer;
  before(async () => {
    server = await startGeneratedServer();
  });
  after(async () => {
    await server?.stop({ cleanup: true });
  });

  const create = (obj: object) => server.kubectl(["create", "-f", "-"], { input: JSON.stringify(obj) });

  it("a kind without rules (Queue): only the schema error", () => {
    const r = create({ apiVersion: "skai.io/v1beta1", kind: "Queue", metadata: { name: "q-bad" }, spec: { priority: "high" } });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /The Queue "q-bad" is invalid: \n/);
    assert.match(r.stderr, /^\* spec\.priority: Invalid value: "string": spec\.priority in body must be of type integer: "string"$/m);
    assert.ok(!r.stderr.includes("some validation rules were not checked"), r.stderr);
  });

  it("a kind with rules (Notebook): the schema error, then the <nil> cause", () => {
    const r = create({
      apiVersion: "skai.io/v1beta1",
      kind: "Notebook",
      metadata: { name: "nb-bad", namespace: "default" },
      spec: { template: { image: "img:1" }, suspend: "yes" },
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /spec\.suspend: Invalid value: "string": spec\.suspend in body must be of type boolean: "string"/);
    assert.ok(r.stderr.includes(SKIPPED), r.stderr);
  });
});
