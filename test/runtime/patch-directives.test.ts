/**
 * Strategic merge patch directives checked as kube checks them: the errors of
 * k8s.io/apimachinery/pkg/util/strategicpatch/patch.go with mergepatch/errors.go's texts,
 * answered as k8s.io/apiserver handlers/patch.go interpretStrategicMergePatchError does
 * (format errors 400, lists of lists 422). The errors kube passes through as plain errors
 * (ErrorToAPIStatus: a 500 for the client's own malformed patch) are answered as 400
 * BadRequest with kube's text: a malformed request never gets a 5xx here.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, ns, startHarness, widget, type Harness } from "./harness.js";

const SMP = { "content-type": "application/strategic-merge-patch+json" };

describe("strategic merge patch directives", () => {
  let h: Harness;
  const path = () => `${ns()}/d`;
  before(async () => {
    h = await startHarness();
    const r = await call(h, "POST", ns(), widget("d", { replicas: 1, color: "red", tags: ["a", "b", "c"], ports: [{ name: "http", port: 80 }, { name: "https", port: 443 }] }));
    assert.equal(r.status, 201, r.text);
  });
  after(() => h.close());

  const patch = (body: unknown) => call(h, "PATCH", path(), body, SMP);

  /** The object is left as it was: a refused patch changes nothing. */
  async function unchanged(): Promise<void> {
    const g = await call(h, "GET", path());
    assert.deepEqual(g.body.spec, { replicas: 1, color: "red", tags: ["a", "b", "c"], ports: [{ name: "http", port: 80 }, { name: "https", port: 443 }] });
  }

  function badRequest(r: Awaited<ReturnType<typeof patch>>, message: string): void {
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(r.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 });
  }

  /** What kube passes through as a plain error (a 500 there): a 400 with kube's text here. */
  function plainError(r: Awaited<ReturnType<typeof patch>>, message: string): void {
    badRequest(r, message);
  }

  it("$retainKeys that omits a field the patch sets: 400 invalid patch format of retainKeys", async () => {
    badRequest(await patch({ spec: { $retainKeys: ["replicas"], replicas: 2, color: "blue" } }), "invalid patch format of retainKeys");
    badRequest(await patch({ spec: { $retainKeys: "replicas", replicas: 2 } }), "invalid patch format of retainKeys");
    await unchanged();
  });

  it("$retainKeys that lists every field set clears the others (null and directive keys need no listing)", async () => {
    const r = await patch({ spec: { $retainKeys: ["replicas", "tags", "ports"], replicas: 2, color: null, "$deleteFromPrimitiveList/tags": ["b"] } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.spec.replicas, 2);
    assert.deepEqual(r.body.spec.tags, ["a", "c"]);
    // color was cleared by $retainKeys, then defaulted again by the kind's defaulting
    assert.equal(r.body.spec.color, "blue");
    const back = await patch({ spec: { replicas: 1, color: "red", tags: ["a", "b", "c"] } });
    assert.equal(back.status, 200, back.text);
    await unchanged();
  });

  it("$patch on a map: merge and unknown values are kube's text as a 400 (only replace and delete exist)", async () => {
    plainError(await patch({ spec: { $patch: "merge", replicas: 2 } }), "unknown patch type: merge in map: map[$patch:merge replicas:2]");
    plainError(await patch({ spec: { $patch: "bogus" } }), "unknown patch type: bogus in map: map[$patch:bogus]");
    plainError(await patch({ spec: { $patch: 7 } }), "unknown patch type: %!s(int64=7) in map: map[$patch:7]");
    await unchanged();
  });

  it("$patch in a merging list: delete needs the merge key, merge and unknown values are refused", async () => {
    plainError(await patch({ spec: { ports: [{ $patch: "delete", port: 80 }] } }), "map: map[$patch:delete port:80] does not contain declared merge key: name");
    plainError(await patch({ spec: { ports: [{ $patch: "merge", name: "http" }] } }), "merging lists cannot yet be specified in the patch");
    plainError(await patch({ spec: { ports: [{ $patch: "nope", name: "http" }] } }), "unknown patch type: nope in map: map[$patch:nope name:http]");
    plainError(await patch({ spec: { ports: [{ port: 81 }] } }), "map: map[port:81] does not contain declared merge key: name");
    await unchanged();
  });

  it("$setElementOrder: not a list, or an order the patch list contradicts, is kube's text as a 400", async () => {
    plainError(await patch({ spec: { "$setElementOrder/ports": "http" } }), "expected a []interface {}, but received a string");
    plainError(
      await patch({ spec: { "$setElementOrder/ports": [{ name: "https" }, { name: "http" }], ports: [{ name: "http", port: 8080 }, { name: "https", port: 8443 }] } }),
      "The order in patch list:\n[map[name:http port:8080] map[name:https port:8443]]\n doesn't match $setElementOrder list:\n[map[name:https] map[name:http]]\n",
    );
    plainError(await patch({ spec: { "$setElementOrder/ports": [{ port: 80 }], ports: [{ name: "http" }] } }), "map: map[port:80] does not contain declared merge key: name");
    await unchanged();
    const ok = await patch({ spec: { "$setElementOrder/ports": [{ name: "https" }, { name: "http" }], ports: [{ name: "https", port: 8443 }] } });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.spec.ports, [{ name: "https", port: 8443 }, { name: "http", port: 80 }]);
    await patch({ spec: { ports: [{ $patch: "replace" }, { name: "http", port: 80 }, { name: "https", port: 443 }] } });
    await unchanged();
  });

  it("$deleteFromPrimitiveList: a list of lists is 422, a value that is no list leaves the field alone", async () => {
    const lists = await patch({ spec: { "$deleteFromPrimitiveList/tags": [["a"]] } });
    // sliceElementType looks at the live list first: its strings and the patch's list differ in type
    plainError(lists, "list element types are not identical: [[a b c] [[a]]]");
    const empty = await call(h, "POST", ns(), widget("e", { tags: [] }));
    assert.equal(empty.status, 201, empty.text);
    const nested = await call(h, "PATCH", `${ns()}/e`, { spec: { "$deleteFromPrimitiveList/tags": [["a"]] } }, SMP);
    assert.equal(nested.status, 422, nested.text);
    assert.deepEqual(nested.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "the server rejected our request due to an error in our request",
      reason: "Invalid",
      details: {},
      code: 422,
    });
    const scalar = await patch({ spec: { "$deleteFromPrimitiveList/tags": "a" } });
    assert.equal(scalar.status, 200, scalar.text);
    assert.deepEqual(scalar.body.spec.tags, ["a", "b", "c"]);
    await unchanged();
  });
});
