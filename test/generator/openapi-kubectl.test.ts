// kubectl 1.32 (skipped when no kubectl is on PATH) against a stub server that publishes
// legacy discovery and the generated OpenAPI v3 document, so the document is checked by
// the client that reads it: `explain` walks it, `create --validate=strict` trusts
// server-side validation (PATCH op with inline fieldValidation), client-side `apply`
// sends a strategic merge patch computed from the patch extensions.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { readDefinitions } from "../../generator/src/read/index.js";
import { buildV3Document } from "../../generator/src/emit/openapi/index.js";
import { discoveryRoutes, startKubectlStub, type KubectlStub } from "../support/kubectl-stub.js";
import { requires } from "../support/requirements.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const kubectlSkip = requires("kubectl");
const hasKubectl = !kubectlSkip;

let stub: KubectlStub;
/** Requests the stub saw, for the write tests. */
const seen: { method: string; url: string; contentType?: string; body: string }[] = [];
const NB = "/apis/skai.io/v1alpha1/namespaces/default/notebooks";
const applied = { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "nb1", namespace: "default" }, spec: { image: "jupyter:1", env: [{ name: "A", value: "1" }] } };
const live = {
  ...applied,
  metadata: { ...applied.metadata, uid: "u1", resourceVersion: "5", annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify(applied) } },
};

before(async () => {
  if (!hasKubectl) return;
  const { model } = await readDefinitions(join(root, "definitions"), { projectRoot: root });
  const group = model.groups[0];
  const version = group.versions.find((v) => v.name === "v1alpha1")!;
  const gv = `${group.name}/${version.name}`;
  const doc = JSON.stringify(buildV3Document(model, group.name, version, { title: "t", version: "0" }));
  const resources = version.kinds.map((k) => ({
    name: k.plural, singularName: k.singular, namespaced: k.scope === "Namespaced", kind: k.name,
    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], shortNames: k.shortNames,
  }));
  const routes = discoveryRoutes(group.name, version.name, resources);
  stub = await startKubectlStub(routes, (req, res, path, text) => {
    seen.push({ method: req.method!, url: req.url!, contentType: req.headers["content-type"], body: text });
    if (path === NB && req.method === "POST") {
      res.writeHead(201, { "Content-Type": "application/json" });
      res.end(text);
      return true;
    }
    let body: string | undefined;
    if (path === `/openapi/v3/apis/${gv}`) body = doc;
    if (path === `${NB}/nb1` && (req.method === "GET" || req.method === "PATCH")) body = JSON.stringify(live);
    if (body === undefined) return false;
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(body);
    return true;
  });
});

after(() => stub?.close());

const explain = (...args: string[]) => stub.explain(...args);

describe("kubectl explain on the generated OpenAPI v3", { skip: kubectlSkip }, () => {
  it("prints a kind's doc comment and fields", async () => {
    const out = await explain("notebooks");
    assert.match(out, /GROUP:\s+skai\.io\nKIND:\s+Notebook\nVERSION:\s+v1alpha1/);
    assert.match(out, /Notebook is an interactive development environment/);
    assert.match(out, /spec\s+<NotebookSpec> -required-/);
  });

  it("walks into spec and prints field doc comments", async () => {
    const out = await explain("notebook.spec");
    assert.match(out, /NotebookSpec is the desired state of a Notebook\./);
    assert.match(out, /image\s+<string> -required-\n\s+Container image that runs the notebook server\./);
    assert.match(out, /env\s+<\[\]EnvVar>/);
  });

  it("walks through PodTemplateSpec into container resources and shows enums", async () => {
    const out = await explain("tj.spec.template.spec.containers.resources");
    assert.match(out, /limits\s+<map\[string\]Quantity>/);
    const phase = await explain("notebook.status.phase");
    assert.match(phase, /ENUM:\s*\n\s+Pending\n\s+Running\n\s+Stopped\n\s+Failed/);
  });
});

describe("kubectl writes against the generated OpenAPI v3", { skip: kubectlSkip }, () => {
  const kubectl = (args: string[], input: string) => stub.kubectl(args, input);

  it("create --validate=strict trusts server-side validation (no OpenAPI v2 needed)", async () => {
    seen.length = 0;
    const manifest = JSON.stringify({ ...applied, metadata: { name: "nb2" } });
    const r = await kubectl(["create", "-f", "-", "--validate=strict", "-o", "name"], manifest);
    assert.equal(r.code, 0, r.err);
    const post = seen.find((x) => x.method === "POST");
    assert.ok(post, "kubectl posted the object");
    assert.match(post!.url, /fieldValidation=Strict/);
    assert.ok(!seen.some((x) => x.url.startsWith("/openapi/v2")), "no fallback to OpenAPI v2");
  });

  it("client-side apply sends a strategic merge patch that merges env by name", async () => {
    seen.length = 0;
    const manifest = JSON.stringify({ ...applied, spec: { image: "jupyter:1", env: [{ name: "A", value: "2" }, { name: "B", value: "3" }] } });
    const r = await kubectl(["apply", "-f", "-"], manifest);
    assert.equal(r.code, 0, r.err);
    const patch = seen.find((x) => x.method === "PATCH");
    assert.ok(patch, "kubectl patched the object");
    assert.equal(patch!.contentType, "application/strategic-merge-patch+json");
    const body = JSON.parse(patch!.body);
    assert.deepEqual(body.spec["$setElementOrder/env"], [{ name: "A" }, { name: "B" }]);
  });
});
