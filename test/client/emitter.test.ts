// The client emitter on hand-built models: accessor names, scopes, and which verbs each kind gets.
import assert from "node:assert/strict";
import { test } from "node:test";
import { clientEmitter } from "../../generator/src/emit/client.js";
import { clientClassName, groupAccessors } from "../../generator/src/emit/client/naming.js";
import type { ApiModel, GroupModel, KindModel } from "../../generator/src/model/types.js";

const src = { file: "x.ts", line: 1, column: 1 };
function kind(name: string, over: Partial<KindModel> = {}): KindModel {
  return {
    name,
    listKind: `${name}List`,
    plural: `${name.toLowerCase()}s`,
    singular: name.toLowerCase(),
    scope: "Namespaced",
    shortNames: [],
    categories: [],
    description: "",
    spec: `io.x.${name}Spec`,
    subresources: { status: false, log: false, exec: false, custom: [] },
    printColumns: [],
    selectableFields: [],
    rules: [],
    source: src,
    ...over,
  };
}
function group(name: string, kinds: KindModel[], versions = ["v1"]): GroupModel {
  return { name, versions: versions.map((v, i) => ({ name: v, served: true, storage: i === 0, description: "", kinds, source: src })) };
}
const ctx = { runtimeModule: "@skai-gen/runtime", packageName: "@acme/api", generatorVersion: "0" };

test("accessor names: first label of the group, whole group when first labels clash; client class from the package scope", () => {
  const model: ApiModel = { groups: [group("batch.acme.io", []), group("batch.other.io", []), group("ml-platform.acme.io", [])], types: {} };
  const acc = groupAccessors(model);
  assert.equal(acc.get("batch.acme.io"), "batchAcmeIo");
  assert.equal(acc.get("batch.other.io"), "batchOtherIo");
  assert.equal(acc.get("ml-platform.acme.io"), "mlPlatform");
  assert.equal(clientClassName("@skai/api"), "SkaiClient");
  assert.equal(clientClassName("my-api"), "MyApiClient");
});

test("emitted client: namespaced vs cluster-scoped accessors, verbs limited to declared subresources, one module per group-version", async () => {
  const model: ApiModel = {
    groups: [
      group(
        "ml.acme.io",
        [
          kind("Job", { subresources: { status: true, log: true, exec: false, custom: [], scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" } } }),
          kind("Pool", { scope: "Cluster" }),
        ],
        ["v1", "v1beta1"],
      ),
    ],
    types: {},
  };
  const files = await clientEmitter.emit(model, ctx);
  assert.deepEqual(files.map((f) => f.path), ["src/client/ml.acme.io/v1.ts", "src/client/ml.acme.io/v1beta1.ts", "src/client/index.ts"]);
  const gv = files[0]!.content;
  assert.match(gv, /jobs\(namespace\?: string\): JobClient/);
  assert.match(gv, /pools\(\): PoolClient/);
  assert.match(gv, /export type JobClient = Omit<ResourceClient<Job, JobList>, "exec">;/);
  assert.match(gv, /export type PoolClient = Omit<ResourceClient<Pool, PoolList>, "updateStatus" \| "patchStatus" \| "getScale" \| "updateScale" \| "patchScale" \| "log" \| "logStream" \| "exec">;/);
  assert.match(gv, /from "\.\.\/\.\.\/ml\.acme\.io\/v1\/types\.js"/);
  assert.match(gv, /from "@skai-gen\/runtime\/client\/index"/);
  const index = files[2]!.content;
  assert.match(index, /export class AcmeClient extends ClientBase/);
  assert.match(index, /readonly mlV1: MlV1Client;/);
  assert.match(index, /readonly mlV1beta1: MlV1beta1Client;/);
  assert.match(index, /export class AcmeInformers/);
  // Both versions have Job and Pool: the flat names come from the preferred (first) version, none aliased.
  assert.doesNotMatch(index, /\$1/);
  assert.match(index, /type JobClient,[\s\S]*from "\.\/ml\.acme\.io\/v1\.js"/);
  assert.match(index, /MlV1beta1Client,[\s\S]*from "\.\/ml\.acme\.io\/v1beta1\.js"/);
});
