// The client emitter on hand-built models: accessor names, scopes, and which verbs each kind gets.
import assert from "node:assert/strict";
import { test } from "node:test";
import { clientEmitter } from "../../generator/src/emit/client.js";
import { groupVersionNamer } from "../../generator/src/emit/naming.js";
import { resolveConfig, type LoadedConfig } from "../../generator/src/config/index.js";
import { emitContext } from "../../generator/src/pipeline.js";
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
/** The emit context of a project configured with `config` (names derived as `skai-gen generate` derives them). */
const contextFor = (config: LoadedConfig["config"], model: ApiModel) => emitContext(resolveConfig({ projectRoot: "/project", config }, model.groups.map((g) => g.name)));

test("accessor names: first label of the group, whole group when first labels clash", () => {
  const model: ApiModel = { groups: [group("batch.acme.io", []), group("batch.other.io", []), group("ml-platform.acme.io", [])], types: {} };
  const accessorOf = groupVersionNamer(model.groups);
  const [batchAcme, batchOther, mlPlatform] = model.groups.map((g) => accessorOf(g, g.versions[0]!));
  assert.equal(batchAcme, "batchAcmeIoV1");
  assert.equal(batchOther, "batchOtherIoV1");
  assert.equal(mlPlatform, "mlPlatformV1");
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
  const files = await clientEmitter.emit(model, contextFor({ package: { name: "@acme/api" } }, model));
  assert.deepEqual(files.map((f) => f.path), ["src/client/ml.acme.io/v1.ts", "src/client/ml.acme.io/v1beta1.ts", "src/client/index.ts"]);
  const gv = files[0]!.content;
  assert.match(gv, /jobs\(namespace\?: string\): JobClient/);
  assert.match(gv, /pools\(\): PoolClient/);
  assert.match(gv, /export type JobClient = Omit<ResourceClient<Job, JobList>, "exec">;/);
  assert.match(gv, /export type PoolClient = Omit<ResourceClient<Pool, PoolList>, "updateStatus" \| "patchStatus" \| "getScale" \| "updateScale" \| "patchScale" \| "log" \| "logStream" \| "exec">;/);
  assert.match(gv, /from "\.\.\/\.\.\/ml\.acme\.io\/v1\/types\.js"/);
  assert.match(gv, /from "@skai-gen\/client"/);
  const index = files[2]!.content;
  assert.match(index, /export class AcmeClient extends ClientBase/);
  assert.match(index, /readonly mlV1: MlV1Client;/);
  assert.match(index, /readonly mlV1beta1: MlV1beta1Client;/);
  assert.match(index, /export class AcmeInformers/);
  assert.match(index, /super\(config, \{ userAgent: "acme-client" \}\);/);
  // Both versions have Job and Pool: the flat names come from the preferred (first) version, none aliased.
  assert.doesNotMatch(index, /\$1/);
  assert.match(index, /type JobClient,[\s\S]*from "\.\/ml\.acme\.io\/v1\.js"/);
  assert.match(index, /MlV1beta1Client,[\s\S]*from "\.\/ml\.acme\.io\/v1beta1\.js"/);
});

test("the client class and its user agent are the configuration's", async () => {
  const model: ApiModel = { groups: [group("shop.example.com", [kind("Widget")])], types: {} };
  const index = async (config: LoadedConfig["config"]) => (await clientEmitter.emit(model, contextFor(config, model))).find((f) => f.path === "src/client/index.ts")!.content;
  const configured = await index({ package: { name: "@shop/api" }, client: { className: "Storefront", userAgent: "storefront/2.0" } });
  assert.match(configured, /export class Storefront extends ClientBase/);
  assert.match(configured, /export class StorefrontInformers/);
  assert.match(configured, /super\(config, \{ userAgent: "storefront\/2\.0" \}\);/);
  const derived = await index({});
  assert.match(derived, /export class ShopClient extends ClientBase/, "shop.example.com -> shop-api -> ShopClient");
  assert.match(derived, /userAgent: "shop-client"/);
});
