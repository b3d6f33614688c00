/**
 * Server-side apply with the real kubectl against the generated server: conflicts
 * between field managers as kube-apiserver reports them, --force-conflicts,
 * --show-managed-fields, and the upgrade from client-side apply.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot, startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";
import { requires } from "../support/requirements.js";

type Obj = Record<string, any>;

function ok(r: { status: number | null; stdout: string; stderr: string }, what: string): string {
  assert.equal(r.status, 0, `${what} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

const notebook = (name: string, spec: string) => `apiVersion: skai.io/v1alpha1
kind: Notebook
metadata:
  name: ${name}
  namespace: default
spec:
${spec}`;

// the version is explicit: managedFields are per served version
const RESOURCE = "notebooks.v1alpha1.skai.io";

describe("kubectl apply --server-side", { timeout: 240_000, skip: requires("kubectl") }, () => {
  let server: GeneratedServer;
  let k: GeneratedServer["kubectl"];
  const get = (name: string): Obj => JSON.parse(ok(k(["get", RESOURCE, name, "-o", "json", "--show-managed-fields"]), "get"));
  const entry = (o: Obj, manager: string, operation = "Apply") =>
    o.metadata.managedFields?.find((e: Obj) => e.manager === manager && e.operation === operation);

  before(async () => {
    server = await startGeneratedServer();
    k = server.kubectl.bind(server);
  });
  after(() => server?.stop({ cleanup: true }));

  it("two managers: the second gets kube's conflict, --force-conflicts takes ownership", () => {
    const first = notebook("ssa", "  image: img:1\n  env:\n  - name: A\n    value: x\n");
    assert.match(ok(k(["apply", "--server-side", "--field-manager=a", "-f", "-"], { input: first }), "apply a"), /notebook.skai.io\/ssa serverside-applied/);

    const second = notebook("ssa", "  image: img:2\n");
    const c = k(["apply", "--server-side", "--field-manager=b", "-f", "-"], { input: second });
    assert.equal(c.status, 1);
    assert.match(c.stderr, /error: Apply failed with 1 conflict: conflict with "a": \.spec\.image\n/);
    assert.match(c.stderr, /--force-conflicts/);
    assert.equal(get("ssa").spec.image, "img:1");

    ok(k(["apply", "--server-side", "--field-manager=b", "--force-conflicts", "-f", "-"], { input: second }), "apply b --force-conflicts");
    const o = get("ssa");
    assert.equal(o.spec.image, "img:2");
    assert.deepEqual(entry(o, "a").fieldsV1, { "f:spec": { "f:env": { 'k:{"name":"A"}': { ".": {}, "f:name": {}, "f:value": {} } } } });
    assert.deepEqual(entry(o, "b").fieldsV1, { "f:spec": { "f:image": {} } });
    assert.equal(entry(o, "b").apiVersion, "skai.io/v1alpha1");
    assert.match(entry(o, "b").time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("--show-managed-fields shows both managers; without it kubectl hides them", () => {
    const yaml = ok(k(["get", RESOURCE, "ssa", "-o", "yaml", "--show-managed-fields"]), "get yaml");
    assert.match(yaml, /manager: a\n\s+operation: Apply/);
    assert.match(yaml, /manager: b\n\s+operation: Apply/);
    assert.match(yaml, /f:spec:\n\s+f:image: \{\}/);
    assert.doesNotMatch(ok(k(["get", RESOURCE, "ssa", "-o", "yaml"]), "get"), /managedFields/);
  });

  it("a field dropped from the applied configuration is removed; one another manager owns stays", () => {
    const cfg = (env: string[]) => notebook("prune", `  image: img:1\n  env:\n${env.map((n) => `  - name: ${n}\n    value: v\n`).join("")}`);
    ok(k(["apply", "--server-side", "--field-manager=a", "-f", "-"], { input: cfg(["A", "B", "C"]) }), "apply a");
    ok(k(["apply", "--server-side", "--field-manager=b", "-f", "-"], { input: notebook("prune", "  env:\n  - name: C\n    value: v\n") }), "apply b");
    ok(k(["apply", "--server-side", "--field-manager=a", "-f", "-"], { input: cfg(["A"]) }), "apply a again");
    assert.deepEqual(
      get("prune").spec.env.map((e: Obj) => e.name),
      ["A", "C"],
    );
  });

  it("kubectl edits (Update) own what they change and conflict with a later apply", () => {
    ok(k(["apply", "--server-side", "--field-manager=a", "-f", "-"], { input: notebook("upd", "  image: img:1\n") }), "apply");
    ok(k(["patch", RESOURCE, "upd", "--type=merge", "-p", '{"spec":{"image":"img:9"}}', "--field-manager=patcher"]), "patch");
    const o = get("upd");
    assert.deepEqual(entry(o, "patcher", "Update").fieldsV1, { "f:spec": { "f:image": {} } });
    assert.equal(entry(o, "a"), undefined, "a lost its only field");
    const c = k(["apply", "--server-side", "--field-manager=a", "-f", "-"], { input: notebook("upd", "  image: img:1\n") });
    assert.equal(c.status, 1);
    assert.match(c.stderr, /Apply failed with 1 conflict: conflict with "patcher" using skai.io\/v1alpha1: \.spec\.image/);
  });

  it("client-side apply, then server-side apply takes over without conflicts", () => {
    ok(k(["apply", "-f", "-"], { input: notebook("csa", "  image: img:1\n") }), "client-side apply");
    ok(k(["apply", "-f", "-"], { input: notebook("csa", "  image: img:2\n") }), "client-side apply again");
    const before = get("csa");
    assert.ok(entry(before, "kubectl-client-side-apply", "Update"));
    ok(k(["apply", "--server-side", "-f", "-"], { input: notebook("csa", "  image: img:3\n") }), "server-side apply");
    const o = get("csa");
    assert.equal(o.spec.image, "img:3");
    assert.deepEqual(entry(o, "kubectl").fieldsV1["f:spec"], { "f:image": {} });
    const last = JSON.parse(o.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]);
    assert.equal(last.spec.image, "img:3");
    // and client-side apply keeps working afterwards
    ok(k(["apply", "-f", "-"], { input: notebook("csa", "  image: img:4\n") }), "client-side apply after SSA");
    assert.equal(get("csa").spec.image, "img:4");
  });

  it("an apply goes through admission: CREATE when it creates, UPDATE after", () => {
    const model = path.join(repoRoot, "examples/skai.io/v1alpha1/model.yaml");
    const created = JSON.parse(ok(k(["apply", "--server-side", "-f", model, "-o", "json"]), "apply model"));
    assert.equal(created.metadata.annotations["skai.io/created-by"], "admin");
    const tj = readFileSync(path.join(repoRoot, "examples/skai.io/v1alpha1/trainingjob.yaml"), "utf8");
    ok(k(["apply", "--server-side", "-f", "-"], { input: tj }), "apply pinned job");
    const r = k(["apply", "--server-side", "-f", "-"], { input: tj.replace("ghcr.io/example/llama-finetune:3.1.0", "ghcr.io/example/llama-finetune:latest") });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /is forbidden: .*must be pinned to a tag or a digest/);
  });

  it("managers of another served version are compared in their own version", () => {
    const alpha = "apiVersion: skai.io/v1alpha1\nkind: Notebook\nmetadata: {name: ver, namespace: default}\nspec: {image: img:1, suspend: false}\n";
    ok(k(["apply", "--server-side", "--field-manager=a", "-f", "-"], { input: alpha }), "apply v1alpha1");
    // v1beta1 keeps the image in spec.template: changing it takes .spec.image from the v1alpha1 applier
    ok(k(["patch", "notebooks.v1beta1.skai.io", "ver", "--type=merge", "-p", '{"spec":{"template":{"image":"img:2"}}}', "--field-manager=beta"]), "patch v1beta1");
    const o = get("ver");
    assert.deepEqual(entry(o, "a").fieldsV1, { "f:spec": { "f:suspend": {} } });
    assert.deepEqual(entry(o, "beta", "Update"), {
      apiVersion: "skai.io/v1beta1",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:spec": { "f:template": { "f:image": {} } } },
      manager: "beta",
      operation: "Update",
      time: entry(o, "beta", "Update").time,
    });
    const beta = "apiVersion: skai.io/v1beta1\nkind: Notebook\nmetadata: {name: ver, namespace: default}\nspec: {suspend: true}\n";
    const c = k(["apply", "--server-side", "--field-manager=c", "-f", "-"], { input: beta });
    assert.equal(c.status, 1);
    assert.match(c.stderr, /Apply failed with 1 conflict: conflict with "a": \.spec\.suspend/);
  });
});
