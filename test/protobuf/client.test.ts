/**
 * The typed client opts into protobuf with `contentType: "protobuf"`: create,
 * get, update and list travel as application/vnd.kubernetes.protobuf and give
 * the same objects as a JSON client.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SkaiClient } from "../../generated/src/client/index.js";
import { startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";
import { examples } from "./support.js";

describe("typed client over protobuf", { timeout: 60_000 }, () => {
  let server: GeneratedServer;
  let pb: SkaiClient;
  let json: SkaiClient;

  before(async () => {
    server = await startGeneratedServer();
    pb = new SkaiClient({ kubeconfigPath: server.kubeconfig, contentType: "protobuf" });
    json = new SkaiClient(server.kubeconfig);
  });
  after(async () => {
    pb?.close();
    json?.close();
    await server?.stop({ cleanup: true });
  });

  it("creates, gets, updates and lists in protobuf with the JSON client's results", async () => {
    const nb = pb.skaiV1alpha1.notebooks("team");
    const example = examples("skai.io/v1alpha1").find((e) => e.kind === "Notebook")!;
    const created = await nb.create({ ...example, metadata: { name: "nb-pb", labels: { via: "protobuf" } } } as any);
    assert.equal(created.metadata?.name, "nb-pb");
    assert.equal(created.kind, "Notebook");
    const got = await nb.get("nb-pb");
    assert.deepEqual(got, await json.skaiV1alpha1.notebooks("team").get("nb-pb"));
    const updated = await nb.update({ ...got, metadata: { ...got.metadata, labels: { via: "protobuf", step: "2" } } });
    assert.equal(updated.metadata?.labels?.step, "2");
    const list = await nb.list();
    assert.deepEqual(list.items, (await json.skaiV1alpha1.notebooks("team").list()).items);
    await assert.rejects(nb.get("missing"), (e: any) => e.statusCode === 404 || e.code === 404 || /not found/.test(String(e.message)));
  });
});
