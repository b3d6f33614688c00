/**
 * The real kubectl against the generated SKAI apiserver on SQLite and on etcd: every
 * everyday command a Kubernetes user runs on a built-in resource must work
 * the same on ours.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { startEtcd, type EtcdCluster } from "../support/etcd.js";
import { requires } from "../support/requirements.js";
import { repoRoot, startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";

// Notebook changed shape in v1beta1 (the preferred version): this suite speaks v1alpha1 to it.
const NB = "notebooks.v1alpha1.skai.io";
const example = (kind: string) => path.join(repoRoot, "examples/skai.io/v1alpha1", `${kind}.yaml`);

function ok(r: { status: number | null; stdout: string; stderr: string }, what: string): string {
  assert.equal(r.status, 0, `${what} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

// The same suite on each backend: the server must serve kubectl identically on SQLite and etcd.
for (const backend of ["sqlite", "etcd"] as const) describe(`kubectl against the generated server (${backend})`, { timeout: 240_000, skip: requires("kubectl") || (backend === "etcd" && requires("etcd")) }, () => {
  let server: GeneratedServer;
  let k: GeneratedServer["kubectl"];
  let etcd: EtcdCluster | undefined;

  before(async () => {
    if (backend === "etcd") etcd = await startEtcd(1);
    server = await startGeneratedServer(etcd ? { storage: etcd.spec } : {});
    k = server.kubectl.bind(server);
  });
  after(async () => {
    await server?.stop({ cleanup: true });
    await etcd?.stop();
  });

  it("prints a kubectl line to try for every kind on start-up", async () => {
    // The lines follow "Serving on", which is what the harness waits for.
    await waitFor(() => server.output().includes(" get queues"), 10_000, () => server.output());
    for (const plural of ["notebooks", "trainingjobs", "datasets", "models", "inferenceservices", "queues"]) {
      assert.match(server.output(), new RegExp(`^kubectl --kubeconfig \\S+kubeconfig get ${plural}$`, "m"));
    }
  });

  it("lists the SKAI kinds with short names in api-resources", () => {
    const out = ok(k(["api-resources", "--api-group=skai.io"]), "api-resources");
    for (const [plural, short, namespaced] of [
      ["notebooks", "nb", "true"],
      ["trainingjobs", "tj", "true"],
      ["datasets", "ds", "true"],
      ["models", "mdl", "true"],
      ["inferenceservices", "isvc", "true"],
      ["queues", "q", "false"],
    ]) {
      // kubectl lists each resource in its group's preferred version.
      assert.match(out, new RegExp(`^${plural}\\s+${short}\\s+skai.io/v1beta1\\s+${namespaced}`, "m"));
    }
  });

  it("creates every example and gets it back with its columns", () => {
    for (const kind of ["notebook", "trainingjob", "dataset", "model", "inferenceservice", "queue"]) {
      assert.match(ok(k(["create", "-f", example(kind)]), `create ${kind}`), /created/);
    }
    const nb = ok(k(["get", NB, "-n", "ml-research"]), "get nb");
    assert.match(nb, /^NAME\s+IMAGE\s+GPUS\s+PHASE\s+AGE/m);
    assert.match(nb, /^alice-research\s+quay\.io\/jupyter\/pytorch-notebook:cuda12-2024-05-20\s+1\s+/m);
    const wide = ok(k(["get", NB, "-n", "ml-research", "-o", "wide"]), "get -o wide");
    assert.match(wide, /^NAME\s+IMAGE\s+GPUS\s+PHASE\s+URL\s+AGE/m);
  });

  it("prints yaml with server-set metadata", () => {
    const y = ok(k(["get", NB, "alice-research", "-n", "ml-research", "-o", "yaml"]), "get -o yaml");
    assert.match(y, /^apiVersion: skai.io\/v1alpha1$/m);
    assert.match(y, /^kind: Notebook$/m);
    assert.match(y, /^ {2}uid: [0-9a-f-]{36}$/m);
    assert.match(y, /^ {2}resourceVersion: "\d+"$/m);
    assert.match(y, /^ {2}generation: 1$/m);
    assert.match(y, /^ {2}creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/m);
    // Defaults from the definitions were applied.
    assert.match(y, /^ {4}readOnly: true$/m);
  });

  it("filters with label and field selectors and lists across namespaces", () => {
    const nb2 = `apiVersion: skai.io/v1alpha1
kind: Notebook
metadata: {name: bob-scratch, namespace: team-b, labels: {skai.io/owner: bob}}
spec: {image: jupyter/base-notebook:latest}
`;
    ok(k(["create", "-f", "-"], { input: nb2 }), "create bob-scratch");
    const byLabel = ok(k(["get", NB, "-A", "-l", "skai.io/owner=alice"]), "get -l");
    assert.match(byLabel, /^NAMESPACE\s+NAME\s+IMAGE/m);
    assert.match(byLabel, /^ml-research\s+alice-research\s/m);
    assert.doesNotMatch(byLabel, /bob-scratch/);
    const setBased = ok(k(["get", NB, "-A", "-l", "skai.io/owner in (bob,carol)", "-o", "name"]), "get -l in");
    assert.equal(setBased.trim(), "notebook.skai.io/bob-scratch");
    const all = ok(k(["get", NB, "--all-namespaces", "-o", "name"]), "get -A");
    assert.deepEqual(all.trim().split("\n").sort(), ["notebook.skai.io/alice-research", "notebook.skai.io/bob-scratch"]);
    const byField = ok(k(["get", NB, "-A", "--field-selector", "metadata.name=bob-scratch", "-o", "name"]), "field");
    assert.equal(byField.trim(), "notebook.skai.io/bob-scratch");
    const byNs = ok(k(["get", NB, "-A", "--field-selector", "metadata.namespace!=team-b", "-o", "name"]), "field ns");
    assert.equal(byNs.trim(), "notebook.skai.io/alice-research");
    const bad = k(["get", NB, "-A", "--field-selector", "spec.image=x"]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /field label not supported: spec\.image/);
  });

  it("describes an object", () => {
    const d = ok(k(["describe", NB, "alice-research", "-n", "ml-research"]), "describe");
    assert.match(d, /^Name:\s+alice-research$/m);
    assert.match(d, /^Namespace:\s+ml-research$/m);
    assert.match(d, /^Kind:\s+Notebook$/m);
    assert.match(d, /Image:\s+quay\.io\/jupyter\/pytorch-notebook/);
  });

  it("applies twice: create, then a client-side three-way update", () => {
    const manifest = (gpus: number, image: string) => `apiVersion: skai.io/v1alpha1
kind: Notebook
metadata: {name: applied, namespace: team-b}
spec:
  image: ${image}
  resources: {gpus: ${gpus}}
  env:
  - {name: A, value: "1"}
  - {name: B, value: "2"}
`;
    assert.match(ok(k(["apply", "-f", "-"], { input: manifest(1, "img:1") }), "apply 1"), /notebook.skai.io\/applied created/);
    assert.match(ok(k(["apply", "-f", "-"], { input: manifest(2, "img:2") }), "apply 2"), /notebook.skai.io\/applied configured/);
    const json = JSON.parse(ok(k(["get", NB, "applied", "-n", "team-b", "-o", "json"]), "get applied"));
    assert.equal(json.spec.image, "img:2");
    assert.equal(json.spec.resources.gpus, 2);
    assert.equal(json.metadata.generation, 2);
    assert.ok(json.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]);
    assert.match(ok(k(["apply", "-f", "-"], { input: manifest(2, "img:2") }), "apply 3"), /unchanged/);
  });

  it("edits through KUBE_EDITOR", () => {
    const editor = path.join(server.dir, "editor.sh");
    writeFileSync(editor, `#!/bin/sh\nsed -i 's/image: img:2/image: img:edited/' "$1"\n`, { mode: 0o755 });
    assert.match(ok(k(["edit", NB, "applied", "-n", "team-b"], { env: { KUBE_EDITOR: editor } }), "edit"), /edited/);
    const image = ok(k(["get", NB, "applied", "-n", "team-b", "-o", "jsonpath={.spec.image}"]), "get image");
    assert.equal(image, "img:edited");
  });

  it("patches with json, merge and strategic patches (map-list merged by key)", () => {
    ok(k(["patch", NB, "applied", "-n", "team-b", "--type", "json", "-p", '[{"op":"replace","path":"/spec/resources/gpus","value":3}]']), "json patch");
    ok(k(["patch", NB, "applied", "-n", "team-b", "--type", "merge", "-p", '{"spec":{"suspend":true}}']), "merge patch");
    ok(k(["patch", NB, "applied", "-n", "team-b", "--type", "strategic", "-p", '{"spec":{"env":[{"name":"B","value":"20"},{"name":"C","value":"3"}]}}']), "strategic patch");
    const spec = JSON.parse(ok(k(["get", NB, "applied", "-n", "team-b", "-o", "jsonpath={.spec}"]), "get spec"));
    assert.equal(spec.resources.gpus, 3);
    assert.equal(spec.suspend, true);
    assert.deepEqual(spec.env, [
      { name: "A", value: "1" },
      { name: "B", value: "20" },
      { name: "C", value: "3" },
    ]);
  });

  it("labels and annotates", () => {
    ok(k(["label", NB, "applied", "-n", "team-b", "tier=gold"]), "label");
    ok(k(["annotate", NB, "applied", "-n", "team-b", "note=hello"]), "annotate");
    const meta = JSON.parse(ok(k(["get", NB, "applied", "-n", "team-b", "-o", "jsonpath={.metadata}"]), "get meta"));
    assert.equal(meta.labels.tier, "gold");
    assert.equal(meta.annotations.note, "hello");
    assert.match(ok(k(["get", NB, "-n", "team-b", "-l", "tier=gold", "-o", "name"]), "get by new label"), /applied/);
  });

  it("scales a TrainingJob through the scale subresource", () => {
    assert.match(ok(k(["scale", "trainingjob/llama-finetune-v3", "-n", "ml-research", "--replicas=4"]), "scale"), /scaled/);
    const replicas = ok(k(["get", "tj", "llama-finetune-v3", "-n", "ml-research", "-o", "jsonpath={.spec.workers.replicas}"]), "get replicas");
    assert.equal(replicas, "4");
  });

  it("watches a change with get -w", async () => {
    const { spawn } = await import("node:child_process");
    const watch = spawn("kubectl", ["--kubeconfig", server.kubeconfig, "--cache-dir", path.join(server.dir, "kube-cache"), "get", NB, "bob-scratch", "-n", "team-b", "-w", "-o", "jsonpath={.spec.image}{\"\\n\"}"]);
    let seen = "";
    watch.stdout.on("data", (d) => (seen += d));
    try {
      await waitFor(() => seen.includes("jupyter/base-notebook:latest"), 20_000, () => seen);
      ok(k(["patch", NB, "bob-scratch", "-n", "team-b", "--type", "merge", "-p", '{"spec":{"image":"jupyter/base-notebook:v2"}}']), "patch during watch");
      await waitFor(() => seen.includes("jupyter/base-notebook:v2"), 20_000, () => seen);
    } finally {
      watch.kill();
    }
  });

  it("waits for a condition set through the status subresource", () => {
    const status = {
      status: {
        phase: "Running",
        conditions: [{ type: "Ready", status: "True", reason: "ServerUp", message: "ready", lastTransitionTime: "2026-01-01T00:00:00Z" }],
      },
    };
    // A status change on the main resource is ignored...
    ok(k(["patch", NB, "bob-scratch", "-n", "team-b", "--type", "merge", "-p", JSON.stringify(status)]), "main patch");
    assert.equal(ok(k(["get", NB, "bob-scratch", "-n", "team-b", "-o", "jsonpath={.status.phase}"]), "phase"), "");
    // ...and takes effect through /status.
    ok(k(["patch", NB, "bob-scratch", "-n", "team-b", "--subresource", "status", "--type", "merge", "-p", JSON.stringify(status)]), "status patch");
    assert.match(ok(k(["wait", `${NB}/bob-scratch`, "-n", "team-b", "--for=condition=Ready", "--timeout=20s"]), "wait"), /condition met/);
    // A missing column value is a null cell, which kubectl prints as blank (GPUS here).
    assert.match(ok(k(["get", NB, "bob-scratch", "-n", "team-b"]), "get"), /^bob-scratch\s+jupyter\/base-notebook:v2\s+Running\s+\d+s$/m);
  });

  it("explains nested fields from the doc comments", () => {
    const spec = ok(k(["explain", "notebook.spec", "--api-version=skai.io/v1alpha1"]), "explain notebook.spec");
    assert.match(spec, /NotebookSpec is the desired state of a Notebook/);
    assert.match(spec, /image\s+<string> -required-/);
    const nested = ok(k(["explain", "trainingjobs.spec.workers.elastic.maxReplicas"]), "explain nested");
    assert.match(nested, /FIELD: maxReplicas <integer>/);
    const upstream = ok(k(["explain", "tj.spec.template.spec.containers.resources"]), "explain upstream");
    assert.match(upstream, /ResourceRequirements describes the compute resource requirements/);
  });

  it("runs server-side dry runs without persisting", () => {
    const nb = `apiVersion: skai.io/v1alpha1
kind: Notebook
metadata: {name: dry, namespace: team-b}
spec: {image: img:dry}
`;
    assert.match(ok(k(["create", "--dry-run=server", "-f", "-"], { input: nb }), "dry create"), /created \(server dry run\)/);
    const get = k(["get", NB, "dry", "-n", "team-b"]);
    assert.notEqual(get.status, 0);
    assert.match(get.stderr, /notebooks.skai.io "dry" not found/);
  });

  it("rejects an invalid object with kube-apiserver's error text", () => {
    const bad = `apiVersion: skai.io/v1alpha1
kind: Notebook
metadata: {name: too-many-gpus, namespace: team-b}
spec: {image: img, resources: {gpus: 99}, idleTimeout: forever}
`;
    const r = k(["create", "-f", "-"], { input: bad });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /The Notebook "too-many-gpus" is invalid: /);
    assert.match(r.stderr, /spec\.resources\.gpus: Invalid value: 99: spec\.resources\.gpus in body should be less than or equal to 16/);
    assert.match(r.stderr, /spec\.idleTimeout: Invalid value: "string": must be a duration like 30m/);
    const unknown = k(["create", "-f", "-"], { input: bad.replace("gpus: 99", "gpus: 1").replace("forever", "1h").replace("image: img", "image: img, colour: red") });
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /strict decoding error: unknown field "spec.colour"/);
  });

  it("deletes: a finalizer holds the object until it is removed", () => {
    ok(k(["patch", NB, "applied", "-n", "team-b", "--type", "merge", "-p", '{"metadata":{"finalizers":["skai.io/cleanup"]}}']), "add finalizer");
    assert.match(ok(k(["delete", NB, "applied", "-n", "team-b", "--wait=false"]), "delete"), /deleted/);
    const held = JSON.parse(ok(k(["get", NB, "applied", "-n", "team-b", "-o", "json"]), "get held"));
    assert.ok(held.metadata.deletionTimestamp, "deletionTimestamp set");
    ok(k(["patch", NB, "applied", "-n", "team-b", "--type", "json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]']), "remove finalizer");
    const gone = k(["get", NB, "applied", "-n", "team-b"]);
    assert.notEqual(gone.status, 0);
    assert.match(gone.stderr, /NotFound|not found/);
    assert.match(ok(k(["delete", "-f", example("queue")]), "delete queue"), /queue.skai.io "research-gpus" deleted/);
  });
});

async function waitFor(cond: () => boolean, ms: number, context: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out; saw:\n${context()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
