/**
 * Versions against the real kubectl and the generated server: one Notebook
 * read as notebooks.v1alpha1.skai.io and notebooks.v1beta1.skai.io, the
 * deprecation warning on kubectl's stderr, discovery and OpenAPI listing both
 * versions with v1beta1 preferred, a watch in v1beta1 (not the storage
 * version) getting converted events, /status and /scale in v1beta1, and a
 * v1beta1-only field surviving a v1alpha1 update.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type https from "node:https";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { adminAgent, openWatch, request } from "../support/admin-http.js";
import { repoRoot, startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";

const WARNING = 'skai.io/v1alpha1 Notebook is deprecated; use skai.io/v1beta1 Notebook';

describe("versions: kubectl against the generated server", () => {
  let server: GeneratedServer;
  let agent: https.Agent;
  const k = (args: string[], input?: string) => {
    const r = server.kubectl(args, input === undefined ? {} : { input });
    assert.equal(r.status, 0, `kubectl ${args.join(" ")}\n${r.stderr}`);
    return r;
  };

  before(async () => {
    server = await startGeneratedServer();
    agent = adminAgent(server.dir);
  });
  after(async () => {
    agent?.destroy();
    await server?.stop({ cleanup: true });
  });

  it("reads one object as v1alpha1 and v1beta1; the deprecated version warns on stderr", () => {
    const created = k(["apply", "-f", path.join(repoRoot, "examples/skai.io/v1alpha1/notebook.yaml")]);
    assert.ok(created.stderr.includes(`Warning: ${WARNING}`), created.stderr);
    const alpha = JSON.parse(k(["get", "notebooks.v1alpha1.skai.io", "alice-research", "-n", "ml-research", "-o", "json"]).stdout);
    const beta = JSON.parse(k(["get", "notebooks.v1beta1.skai.io", "alice-research", "-n", "ml-research", "-o", "json"]).stdout);
    assert.equal(alpha.apiVersion, "skai.io/v1alpha1");
    assert.equal(beta.apiVersion, "skai.io/v1beta1");
    assert.equal(alpha.spec.image, beta.spec.template.image);
    assert.deepEqual(alpha.spec.resources, beta.spec.template.resources);
    assert.deepEqual(alpha.spec.env, beta.spec.env);
    assert.equal(alpha.metadata.uid, beta.metadata.uid);
    assert.equal(alpha.metadata.resourceVersion, beta.metadata.resourceVersion);
    // The preferred version answers short names; it is not deprecated.
    const short = k(["get", "nb", "alice-research", "-n", "ml-research", "-o", "jsonpath={.apiVersion} {.spec.template.image}"]);
    assert.equal(short.stdout, "skai.io/v1beta1 quay.io/jupyter/pytorch-notebook:cuda12-2024-05-20");
    assert.ok(!short.stderr.includes("deprecated"), short.stderr);
    const table = k(["get", "notebooks.v1beta1.skai.io", "-n", "ml-research"]).stdout;
    assert.match(table, /alice-research\s+quay\.io\/jupyter\/pytorch-notebook:cuda12-2024-05-20\s+1/);
  });

  it("keeps a v1beta1-only field through a v1alpha1 update", () => {
    const beta = readFileSync(path.join(repoRoot, "examples/skai.io/v1beta1/notebook.yaml"), "utf8").replace("alice-research", "bob-beta");
    k(["apply", "-f", "-"], beta);
    k(["patch", "notebooks.v1alpha1.skai.io", "bob-beta", "-n", "ml-research", "--type", "merge", "-p", '{"spec":{"suspend":true}}']);
    const after = JSON.parse(k(["get", "notebooks.v1beta1.skai.io", "bob-beta", "-n", "ml-research", "-o", "json"]).stdout);
    assert.equal(after.spec.suspend, true);
    assert.equal(after.spec.template.imagePullPolicy, "IfNotPresent");
    assert.equal(after.metadata.annotations?.["skai.io/v1beta1-fields"], undefined);
    const alpha = JSON.parse(k(["get", "notebooks.v1alpha1.skai.io", "bob-beta", "-n", "ml-research", "-o", "json"]).stdout);
    assert.deepEqual(JSON.parse(alpha.metadata.annotations["skai.io/v1beta1-fields"]), { spec: { template: { imagePullPolicy: "IfNotPresent" } } });
  });

  it("converts /status and /scale requests in v1beta1", () => {
    const status = { status: { phase: "Running", url: "https://nb.example" } };
    k(["patch", "notebooks.v1beta1.skai.io", "alice-research", "-n", "ml-research", "--subresource", "status", "--type", "merge", "-p", JSON.stringify(status)]);
    const alpha = JSON.parse(k(["get", "notebooks.v1alpha1.skai.io", "alice-research", "-n", "ml-research", "-o", "json"]).stdout);
    assert.equal(alpha.status.phase, "Running");
    k(["apply", "-f", path.join(repoRoot, "examples/skai.io/v1alpha1/trainingjob.yaml")]);
    const tj = JSON.parse(k(["get", "trainingjobs.v1alpha1.skai.io", "-A", "-o", "json"]).stdout).items[0];
    k(["scale", "trainingjobs.v1beta1.skai.io", tj.metadata.name, "-n", tj.metadata.namespace, "--replicas", "7"]);
    const scaled = JSON.parse(k(["get", "trainingjobs.v1alpha1.skai.io", tj.metadata.name, "-n", tj.metadata.namespace, "-o", "json"]).stdout);
    assert.equal(scaled.spec.workers.replicas, 7);
  });

  it("lists both versions in discovery with v1beta1 preferred, and in OpenAPI v3", async () => {
    const group = JSON.parse(k(["get", "--raw", "/apis/skai.io"]).stdout);
    assert.deepEqual(group.versions.map((v: { version: string }) => v.version), ["v1beta1", "v1alpha1"]);
    assert.equal(group.preferredVersion.version, "v1beta1");
    const apis = JSON.parse(k(["get", "--raw", "/apis"]).stdout);
    const skai = apis.groups.find((g: { name: string }) => g.name === "skai.io");
    assert.equal(skai.preferredVersion.groupVersion, "skai.io/v1beta1");
    const agg = await request(`${server.url}/apis`, { agent, headers: { Accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" } });
    const aggGroup = agg.json().items.find((g: { metadata: { name: string } }) => g.metadata.name === "skai.io");
    assert.deepEqual(aggGroup.versions.map((v: { version: string }) => v.version), ["v1beta1", "v1alpha1"]);
    const paths = Object.keys(JSON.parse(k(["get", "--raw", "/openapi/v3"]).stdout).paths);
    assert.ok(paths.includes("apis/skai.io/v1alpha1") && paths.includes("apis/skai.io/v1beta1"), paths.join(" "));
    const explain = k(["explain", "notebooks.spec.template", "--api-version=skai.io/v1beta1"]).stdout;
    assert.match(explain, /imagePullPolicy/);
  });

  it("converts watch events in the version watched, and create bodies in v1beta1", async () => {
    const base = `${server.url}/apis/skai.io/v1beta1/namespaces/ml-research/notebooks`;
    const w = await openWatch(`${base}?watch=true`, agent);
    const alphaBody = JSON.parse(JSON.stringify({ apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "watched" }, spec: { image: "jupyter:1" } }));
    const r = await request(`${server.url}/apis/skai.io/v1alpha1/namespaces/ml-research/notebooks`, { method: "POST", body: alphaBody, agent });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.warning, `299 - "${WARNING}"`);
    const added = await w.waitFor((e) => e.type === "ADDED" && e.object.metadata.name === "watched");
    assert.equal(added.object.apiVersion, "skai.io/v1beta1");
    assert.equal(added.object.spec.template.image, "jupyter:1");
    const upd = await request(`${base}/watched`, {
      method: "PATCH",
      body: { spec: { template: { image: "jupyter:2" } } },
      headers: { "Content-Type": "application/merge-patch+json" },
      agent,
    });
    assert.equal(upd.status, 200, upd.text);
    assert.equal(upd.headers.warning, undefined);
    const modified = await w.waitFor((e) => e.type === "MODIFIED" && e.object.metadata.name === "watched");
    assert.equal(modified.object.spec.template.image, "jupyter:2");
    const stored = await request(`${server.url}/apis/skai.io/v1alpha1/namespaces/ml-research/notebooks/watched`, { agent });
    assert.equal(stored.json().spec.image, "jupyter:2");
  });
});
