// kubectl 1.32 (skipped when no kubectl is on PATH) explains the committed OpenAPI documents
// (generated/openapi) from a stub server, on v3 and on v2 (`--output=plaintext-openapiv2`,
// which reads /openapi/v2 as protobuf, as kube-apiserver's aggregator serves it), and
// prints every description once.
//
// kubectl prints a field's own description and then the description of the type it
// references: kubernetes/kubectl pkg/explain/v2/templates/plaintext.tmpl (the
// "description" template follows `$ref` and walks `allOf`) and pkg/explain/model_printer.go
// (PrintDescription joins the descriptions collected through references). So a field must
// not repeat its type's description; kube's own kinds give spec and status field docs of
// their own (apps/v1 Deployment: "Specification of the desired behavior of the Deployment.").
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { discoveryRoutes, startKubectlStub, type KubectlStub } from "../support/kubectl-stub.js";
import { encodeOpenAPIv2 } from "../support/openapi-v2-protobuf.js";
import { requires } from "../support/requirements.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const kubectlSkip = requires("kubectl");
const GV = "skai.io/v1alpha1";

let stub: KubectlStub;

before(async () => {
  if (kubectlSkip) return;
  const v3 = readFileSync(join(root, "generated/openapi/v3/apis", `${GV}.json`));
  const v2 = encodeOpenAPIv2(JSON.parse(readFileSync(join(root, "generated/openapi/v2.json"), "utf8")));
  const notebooks = { name: "notebooks", singularName: "notebook", namespaced: true, kind: "Notebook", verbs: ["get", "list"], shortNames: ["nb"] };
  const routes = discoveryRoutes("skai.io", "v1alpha1", [notebooks]);
  stub = await startKubectlStub(routes, (_req, res, path) => {
    if (path === "/openapi/v2") {
      res.writeHead(200, { "Content-Type": "application/com.github.proto-openapi.spec.v2.v1.0+protobuf" });
      res.end(v2);
      return true;
    }
    if (path !== `/openapi/v3/apis/${GV}`) return false;
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(v3);
    return true;
  });
});

after(() => stub?.close());

const explain = (...args: string[]) => stub.explain(...args);

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

for (const output of ["plaintext", "plaintext-openapiv2"]) {
  describe(`kubectl explain --output=${output} prints each description once`, { skip: kubectlSkip }, () => {
    it("notebook.spec: the field's doc, then the type's", async () => {
      const out = await explain("notebook.spec", `--output=${output}`);
      assert.equal(occurrences(out, "Specification of the desired behavior of the Notebook."), 1, out);
      assert.equal(occurrences(out, "NotebookSpec is the desired state of a Notebook."), 1, out);
      assert.match(out, /image\s+<string>/);
    });

    it("notebook.status", async () => {
      const out = await explain("notebook.status", `--output=${output}`);
      assert.equal(occurrences(out, "Most recently observed status of the Notebook."), 1, out);
      assert.equal(occurrences(out, "NotebookStatus is the observed state of a Notebook."), 1, out);
    });

    it("notebooks lists spec and status with their field docs", async () => {
      const out = await explain("notebooks", `--output=${output}`);
      assert.match(out, /Notebook is an interactive development environment/);
      assert.equal(occurrences(out, "Specification of the desired behavior of the Notebook."), 1, out);
      assert.equal(occurrences(out, "Most recently observed status of the Notebook."), 1, out);
    });
  });
}
