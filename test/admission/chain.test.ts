// The admission chain: mutating before validating, in order; user plugins mutate and reject with kube's wording.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AdmissionChain, admissionAttributes, definePlugin, pluginsFrom, type AdmissionPlugin } from "../../runtime/src/admission/index.js";
import { errors, StatusError } from "../../runtime/src/api/status.js";
import type { RequestInfo } from "../../runtime/src/api/request.js";

const info: RequestInfo = {
  isResourceRequest: true,
  path: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks",
  verb: "create",
  apiPrefix: "apis",
  apiGroup: "skai.io",
  apiVersion: "v1alpha1",
  namespace: "ns",
  resource: "notebooks",
  subresource: "",
  name: "",
  parts: [],
};

const attrs = (object: Record<string, unknown>, query = "") =>
  admissionAttributes({ operation: "CREATE", info, user: { name: "alice", groups: ["skai-users"] }, kind: "Notebook", object, query: new URLSearchParams(query) });

// What a project writes for its main to pass to serve().
const defaultImage = definePlugin({
  name: "DefaultImage",
  mutate(a) {
    const spec = (a.object!.spec ??= {}) as Record<string, unknown>;
    spec.image ??= "jupyter/base:latest";
    (a.object!.metadata!.labels ??= {})["skai.io/created-by"] = a.user.name;
  },
});
const noLatest = definePlugin({
  name: "NoLatestTag",
  validate(a) {
    const image = (a.object!.spec as { image?: string }).image ?? "";
    if (image.endsWith(":latest")) throw new Error(`image ${image} uses the latest tag`);
  },
});

test("a user plugin mutates the object", async () => {
  const a = attrs({ metadata: { name: "nb" }, spec: { image: "jupyter/base:1.0" } });
  await new AdmissionChain([defaultImage]).admit(a);
  assert.deepEqual(a.object, { metadata: { name: "nb", labels: { "skai.io/created-by": "alice" } }, spec: { image: "jupyter/base:1.0" } });
});

test("validation sees every mutation, and a rejection is kube's Forbidden naming the object", async () => {
  const a = attrs({ metadata: { name: "nb" } });
  await assert.rejects(new AdmissionChain([noLatest, defaultImage]).admit(a), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.deepEqual(err.status, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'notebooks.skai.io "nb" is forbidden: image jupyter/base:latest uses the latest tag',
      reason: "Forbidden",
      details: { name: "nb", group: "skai.io", kind: "notebooks" },
      code: 403,
    });
    return true;
  });
});

test("plugins run in order, mutating stage before validating stage", async () => {
  const calls: string[] = [];
  const p = (name: string): AdmissionPlugin => ({ name, mutate: () => void calls.push(`m:${name}`), validate: () => void calls.push(`v:${name}`) });
  await new AdmissionChain([p("a"), p("b")]).admit(attrs({ metadata: { name: "x" } }));
  assert.deepEqual(calls, ["m:a", "m:b", "v:a", "v:b"]);
});

test("a thrown StatusError passes unchanged; operations and resources filter plugins", async () => {
  const invalid = definePlugin({ name: "I", validate: () => { throw errors.invalid("skai.io", "Notebook", "nb", [{ type: "FieldValueRequired", field: "spec.x", message: "Required value" }]); } });
  await assert.rejects(new AdmissionChain([invalid]).admit(attrs({ metadata: { name: "nb" } })), (e: unknown) => (e as StatusError).code === 422);
  const onlyDelete = definePlugin({ name: "D", operations: ["DELETE"], validate: () => { throw new Error("no"); } });
  const onlyJobs = definePlugin({ name: "J", resources: ["trainingjobs"], validate: () => { throw new Error("no"); } });
  await new AdmissionChain([onlyDelete, onlyJobs]).admit(attrs({ metadata: { name: "nb" } }));
});

test("dryRun, generateName and the user module's shape", () => {
  const a = attrs({ metadata: { generateName: "nb-" } }, "dryRun=All");
  assert.equal(a.dryRun, true);
  assert.equal(a.name, "");
  assert.deepEqual(pluginsFrom([defaultImage, noLatest], "definitions/admission.ts").map((p) => p.name), ["DefaultImage", "NoLatestTag"]);
  assert.throws(() => pluginsFrom([{ name: "x" }], "definitions/admission.ts"), /definitions\/admission\.ts/);
  assert.throws(() => new AdmissionChain([defaultImage, defaultImage]), /twice/);
});
