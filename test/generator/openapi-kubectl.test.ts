// kubectl 1.32 (skipped when no kubectl is on PATH) against a stub server that publishes
// legacy discovery and the generated OpenAPI v3 document, so the document is checked by
// the client that reads it: `explain` walks it, `create --validate=strict` trusts
// server-side validation (PATCH op with inline fieldValidation), client-side `apply`
// sends a strategic merge patch computed from the patch extensions.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { readDefinitions } from "../../generator/src/read/index.js";
import { buildV3Document } from "../../generator/src/emit/openapi/index.js";
import { requires } from "../support/requirements.js";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const kubectlSkip = requires("kubectl");
const hasKubectl = !kubectlSkip;

let server: Server;
let base = "";
let home = "";
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
  const routes: Record<string, unknown> = {
    "/apis": { kind: "APIGroupList", groups: [{ name: group.name, versions: [{ groupVersion: gv, version: version.name }], preferredVersion: { groupVersion: gv, version: version.name } }] },
    [`/apis/${gv}`]: { kind: "APIResourceList", apiVersion: "v1", groupVersion: gv, resources },
    "/openapi/v3": { paths: { [`apis/${gv}`]: { serverRelativeURL: `/openapi/v3/apis/${gv}?hash=0` } } },
    "/version": { major: "1", minor: "32", gitVersion: "v1.32.0" },
  };
  server = createServer(async (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    let text = "";
    for await (const chunk of req) text += chunk;
    seen.push({ method: req.method!, url: req.url!, contentType: req.headers["content-type"], body: text });
    let body = path === `/openapi/v3/apis/${gv}` ? doc : routes[path] !== undefined ? JSON.stringify(routes[path]) : undefined;
    if (path === `${NB}/nb1` && (req.method === "GET" || req.method === "PATCH")) body = JSON.stringify(live);
    if (path === NB && req.method === "POST") {
      res.writeHead(201, { "Content-Type": "application/json" });
      return res.end(text);
    }
    // /api 404: client-go then treats the core group as absent.
    res.writeHead(body === undefined ? 404 : 200, { "Content-Type": "application/json" });
    res.end(body ?? JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  home = mkdtempSync(join(tmpdir(), "kubectl-explain-"));
  writeFileSync(join(home, "config"), "apiVersion: v1\nkind: Config\n");
});

after(() => {
  server?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

const explain = async (...args: string[]) =>
  (await run("kubectl", ["explain", ...args, "--server", base, "--kubeconfig", join(home, "config"), "--cache-dir", join(home, "cache")], { env: { ...process.env, HOME: home } })).stdout;

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
  const kubectl = async (args: string[], input: string) => {
    const child = execFile("kubectl", [...args, "--server", base, "--kubeconfig", join(home, "config"), "--cache-dir", join(home, "cache")], { env: { ...process.env, HOME: home } });
    child.stdin!.end(input);
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    const code = await new Promise<number | null>((ok) => child.on("close", ok));
    return { code, out, err };
  };

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
