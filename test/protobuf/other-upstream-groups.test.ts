/**
 * A field whose type is an upstream message from a group other than core/v1
 * and meta/v1 (here apps/v1 DeploymentStrategy), whose field numbers skai-gen
 * does not table: generate succeeds, and the field travels as raw JSON inside
 * the protobuf, so protobuf and JSON clients read the same object.
 */
import assert from "node:assert/strict";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../generator/src/config/index.js";
import { groupVersionMessages } from "../../generator/src/emit/protobuf/messages.js";
import { generate } from "../../generator/src/pipeline.js";
import { writeTree } from "../../generator/src/write/writer.js";
import { fixtureRoot, scratchDir, startFixtureServer, type FixtureServer } from "../support/fixture-apis.js";

describe("an upstream type without tabled field numbers", { timeout: 180_000 }, () => {
  let root: string;
  let server: FixtureServer;
  let jsonClient: any;
  let pbClient: any;
  let model: any;

  before(async () => {
    root = scratchDir("apps-v1");
    cpSync(fixtureRoot("shop"), root, { recursive: true });
    const warehouse = path.join(root, "definitions/shop.example.com/v1alpha1/warehouse.ts");
    const text = readFileSync(warehouse, "utf8")
      .replace('import type { Resource, int32 } from "skai-gen/definitions";', 'import type { Resource, int32 } from "skai-gen/definitions";\nimport type { DeploymentStrategy } from "kubernetes-types/apps/v1";')
      .replace("  capacity: int32;\n}", "  capacity: int32;\n  /** How restocking rolls out. */\n  rollout?: DeploymentStrategy;\n}");
    assert.match(text, /rollout\?: DeploymentStrategy/);
    writeFileSync(warehouse, text);
    const config = loadConfig(root, path.join(root, "skai-gen.config.json"));
    const result = await generate({ definitionsDir: path.join(root, "definitions"), projectRoot: root, config });
    assert.deepEqual(result.diagnostics, []);
    model = result.model;
    const out = path.join(root, "out");
    await writeTree(out, result.files);
    server = await startFixtureServer(out);
    const { ShopClient } = await import(path.join(out, "src/client/index.ts"));
    jsonClient = new ShopClient(server.kubeconfig);
    pbClient = new ShopClient({ kubeconfigPath: server.kubeconfig, contentType: "protobuf" });
  });
  after(async () => {
    jsonClient?.close();
    pbClient?.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("describes the field as raw JSON and emits no apps/v1 message", () => {
    const group = model.groups[0];
    const messages = groupVersionMessages(model, group, group.versions[0]);
    const spec = messages.find((m) => m.name.endsWith("WarehouseSpec"))!;
    const rollout = spec.fields.find((f) => f.name === "rollout")!;
    assert.equal(rollout.type, "json");
    assert.ok(!messages.some((m) => m.name.includes(".apps.v1.")), "no guessed numbers for apps/v1");
  });

  it("round-trips the field through the protobuf client as the JSON client sees it", async () => {
    const rollout = { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } };
    const created = await pbClient.shopV1alpha1.warehouses().create({ metadata: { name: "north" }, spec: { city: "Oslo", capacity: 10, rollout } });
    assert.deepEqual(created.spec.rollout, rollout);
    assert.deepEqual((await jsonClient.shopV1alpha1.warehouses().get("north")).spec.rollout, rollout);
    assert.deepEqual((await pbClient.shopV1alpha1.warehouses().get("north")).spec.rollout, rollout);
  });
});
