/**
 * `kubectl explain` prints every description once against the generated SKAI apiserver
 * (OpenAPI v3; v2, which kubectl reads as protobuf through kube's aggregator, is covered by
 * test/generator/openapi-explain-once.test.ts).
 *
 * kubectl prints a field's own description and then the description of the type it
 * references: kubernetes/kubectl pkg/explain/v2/templates/plaintext.tmpl (the
 * "description" template follows `$ref` and walks `allOf`) and pkg/explain/model_printer.go
 * (PrintDescription joins the descriptions collected through references). So a field must
 * not repeat its type's description; kube's own kinds give spec and status field docs of
 * their own (apps/v1 Deployment: "Specification of the desired behavior of the Deployment.").
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { requires } from "../support/requirements.js";
import { startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

describe("kubectl explain prints each description once", { timeout: 120_000, skip: requires("kubectl") }, () => {
  let server: GeneratedServer;
  before(async () => {
    server = await startGeneratedServer();
  });
  after(async () => {
    await server?.stop({ cleanup: true });
  });

  const explain = (...args: string[]) => {
    const r = server.kubectl(["explain", ...args, "--api-version=skai.io/v1alpha1"]);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };

  for (const output of ["plaintext"]) {
    it(`notebook.spec and notebook.status (${output})`, () => {
      const spec = explain("notebook.spec", `--output=${output}`);
      assert.equal(occurrences(spec, "NotebookSpec is the desired state of a Notebook."), 1, spec);
      assert.equal(occurrences(spec, "Specification of the desired behavior of the Notebook."), 1, spec);
      const status = explain("notebook.status", `--output=${output}`);
      assert.equal(occurrences(status, "Most recently observed status of the Notebook."), 1, status);
      assert.match(status, /NotebookStatus/);
    });

    it(`the kind lists spec and status with their field docs (${output})`, () => {
      const kind = explain("notebooks", `--output=${output}`);
      assert.equal(occurrences(kind, "Specification of the desired behavior of the Notebook."), 1, kind);
      assert.equal(occurrences(kind, "Most recently observed status of the Notebook."), 1, kind);
      assert.equal(occurrences(kind, "NotebookSpec is the desired state of a Notebook."), 0, kind);
    });
  }
});
