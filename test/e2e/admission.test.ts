/**
 * SKAI's own admission plugins (apiserver/src/admission.ts), passed to the
 * generated server's serve() by SKAI's main, seen through the real kubectl.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot, startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";

describe("user admission plugins in the generated server", { timeout: 120_000 }, () => {
  let server: GeneratedServer;
  before(async () => {
    server = await startGeneratedServer();
  });
  after(() => server?.stop({ cleanup: true }));

  it("a mutating plugin records who created an object", () => {
    const r = server.kubectl(["create", "-f", path.join(repoRoot, "examples/skai.io/v1alpha1/model.yaml"), "-o", "json"]);
    assert.equal(r.status, 0, r.stderr);
    const created = JSON.parse(r.stdout);
    // The standalone kubeconfig's client certificate is for user "admin".
    assert.equal(created.metadata.annotations["skai.io/created-by"], "admin");
  });

  it("a validating plugin rejects with kube's admission wording, and the object is not stored", () => {
    const tj = readFileSync(path.join(repoRoot, "examples/skai.io/v1alpha1/trainingjob.yaml"), "utf8").replace(
      "ghcr.io/example/llama-finetune:3.1.0",
      "ghcr.io/example/llama-finetune:latest",
    );
    const r = server.kubectl(["create", "-f", "-"], { input: tj });
    assert.notEqual(r.status, 0);
    assert.match(
      r.stderr,
      /Error from server \(Forbidden\).*trainingjobs\.skai\.io "llama-finetune-v3" is forbidden: spec\.template\.spec\.containers\[0\]\.image: training images must be pinned to a tag or a digest, not "ghcr\.io\/example\/llama-finetune:latest"/,
    );
    const get = server.kubectl(["get", "tj", "llama-finetune-v3", "-n", "ml-research"]);
    assert.notEqual(get.status, 0);
    assert.match(get.stderr, /not found/);
  });

  it("validates updates too: a pinned job cannot be moved to latest", () => {
    const ok = server.kubectl(["create", "-f", path.join(repoRoot, "examples/skai.io/v1alpha1/trainingjob.yaml")]);
    assert.equal(ok.status, 0, ok.stderr);
    const patch = JSON.stringify([{ op: "replace", path: "/spec/template/spec/containers/0/image", value: "trainer" }]);
    const r = server.kubectl(["patch", "tj", "llama-finetune-v3", "-n", "ml-research", "--type", "json", "-p", patch]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /is forbidden: .*must be pinned to a tag or a digest, not "trainer"/);
  });
});
