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
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { encodeOpenAPIv2 } from "../support/openapi-v2-protobuf.js";
import { requires } from "../support/requirements.js";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const kubectlSkip = requires("kubectl");
const GV = "skai.io/v1alpha1";

let server: Server;
let base = "";
let home = "";

before(async () => {
  if (kubectlSkip) return;
  const v3 = readFileSync(join(root, "generated/openapi/v3/apis", `${GV}.json`));
  const v2 = encodeOpenAPIv2(JSON.parse(readFileSync(join(root, "generated/openapi/v2.json"), "utf8")));
  const notebooks = { name: "notebooks", singularName: "notebook", namespaced: true, kind: "Notebook", verbs: ["get", "list"], shortNames: ["nb"] };
  const routes: Record<string, unknown> = {
    "/apis": { kind: "APIGroupList", groups: [{ name: "skai.io", versions: [{ groupVersion: GV, version: "v1alpha1" }], preferredVersion: { groupVersion: GV, version: "v1alpha1" } }] },
    [`/apis/${GV}`]: { kind: "APIResourceList", apiVersion: "v1", groupVersion: GV, resources: [notebooks] },
    "/openapi/v3": { paths: { [`apis/${GV}`]: { serverRelativeURL: `/openapi/v3/apis/${GV}?hash=0` } } },
    "/version": { major: "1", minor: "32", gitVersion: "v1.32.0" },
  };
  server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path === "/openapi/v2") {
      res.writeHead(200, { "Content-Type": "application/com.github.proto-openapi.spec.v2.v1.0+protobuf" });
      return res.end(v2);
    }
    const body = path === `/openapi/v3/apis/${GV}` ? v3 : routes[path] !== undefined ? JSON.stringify(routes[path]) : undefined;
    // /api 404: client-go then treats the core group as absent.
    res.writeHead(body === undefined ? 404 : 200, { "Content-Type": "application/json" });
    res.end(body ?? JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  home = mkdtempSync(join(tmpdir(), "kubectl-explain-once-"));
  writeFileSync(join(home, "config"), "apiVersion: v1\nkind: Config\n");
});

after(() => {
  server?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

const explain = async (...args: string[]) =>
  (await run("kubectl", ["explain", ...args, "--server", base, "--kubeconfig", join(home, "config"), "--cache-dir", join(home, "cache")], { env: { ...process.env, HOME: home } })).stdout;

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
