// Reads the real SKAI definitions and pins down concrete facts of the model.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { ApiModel, Field, KindModel, ObjectType } from "../../generator/src/model/types.js";
import { checkModel } from "../../generator/src/check/index.js";
import { readDefinitions } from "../../generator/src/read/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

let model: ApiModel;
let diagnostics: unknown[];
let elapsed = 0;

before(async () => {
  const start = performance.now();
  const r = await readDefinitions(join(root, "definitions"), { projectRoot: root });
  elapsed = performance.now() - start;
  model = r.model;
  diagnostics = r.diagnostics;
});

const kinds = () => model.groups[0].versions.find((v) => v.name === "v1alpha1")!.kinds;
const kind = (name: string): KindModel => kinds().find((k) => k.name === name)!;
const type = (id: string): ObjectType => {
  assert.ok(model.types[id], `type ${id} exists`);
  return model.types[id];
};
const field = (id: string, name: string): Field => {
  const f = type(id).fields.find((x) => x.name === name);
  assert.ok(f, `${id}.${name} exists`);
  return f;
};

describe("reading the SKAI definitions", () => {
  it("reports no diagnostics, reading or checking", () => {
    assert.deepEqual(diagnostics, []);
    // SKAI's server main (skai-gen.config.json) passes the Notebook conversion functions.
    assert.deepEqual(checkModel(model, { projectRoot: root, serverMain: "apiserver/src/main.ts" }), []);
  });

  it("reads quickly, following only the reachable part of kubernetes-types", () => {
    // About 0.5 s on an idle machine; the bound is loose because tests run in parallel on busy CI.
    assert.ok(elapsed < 10_000, `read took ${Math.round(elapsed)} ms`);
    const upstream = Object.values(model.types).filter((t) => t.origin === "kubernetes").length;
    assert.ok(upstream < 150, `${upstream} upstream types were read`);
  });

  it("has one group with two served versions, v1alpha1 the storage version, and six kinds", () => {
    assert.deepEqual(model.groups.map((g) => g.name), ["skai.io"]);
    const v = model.groups[0].versions;
    // Kubernetes priority order: the newer version first.
    assert.deepEqual(v.map((x) => [x.name, x.storage, x.served]), [["v1beta1", false, true], ["v1alpha1", true, true]]);
    assert.match(v[1].description, /^Package v1alpha1 is the first version/);
    assert.deepEqual(kinds().map((k) => k.name), ["Dataset", "InferenceService", "Model", "Notebook", "Queue", "TrainingJob"]);
  });

  it("derives names and reads kind tags", () => {
    const nb = kind("Notebook");
    assert.equal(nb.plural, "notebooks");
    assert.equal(nb.singular, "notebook");
    assert.equal(nb.listKind, "NotebookList");
    assert.equal(nb.scope, "Namespaced");
    assert.deepEqual(nb.shortNames, ["nb"]);
    assert.deepEqual(nb.categories, ["skai", "all"]);
    assert.deepEqual(nb.subresources, { status: true, log: true, exec: true, custom: [], pods: { log: { podName: ".status.podName" }, exec: { podName: ".status.podName" } } });
    assert.deepEqual(nb.selectableFields, [".status.phase"]);
    assert.equal(nb.spec, "io.skai.v1alpha1.NotebookSpec");
    assert.equal(nb.status, "io.skai.v1alpha1.NotebookStatus");
    assert.deepEqual(nb.source, { file: "definitions/skai.io/v1alpha1/notebook.ts", line: 21, column: 18 });
    assert.equal(kind("Queue").scope, "Cluster");
    assert.equal(kind("InferenceService").plural, "inferenceservices");
  });

  it("reads print columns with priority and source", () => {
    const cols = kind("Dataset").printColumns;
    assert.equal(cols.length, 5);
    assert.deepEqual({ ...cols[3], source: undefined }, {
      name: "Cached",
      type: "number",
      jsonPath: ".status.cacheRatio",
      priority: 1,
      source: undefined,
    });
    assert.deepEqual(cols[0].source, { file: "definitions/skai.io/v1alpha1/dataset.ts", line: 10, column: 4 });
  });

  it("reads the scale subresource", () => {
    const scale = kind("TrainingJob").subresources.scale!;
    assert.equal(scale.specReplicasPath, ".spec.workers.replicas");
    assert.equal(scale.statusReplicasPath, ".status.activeWorkers");
    assert.equal(scale.labelSelectorPath, ".status.selector");
  });

  it("follows PodTemplateSpec into kubernetes-types with upstream names and list semantics", () => {
    const template = field("io.skai.v1alpha1.TrainingJobSpec", "template");
    assert.deepEqual(template.type, { kind: "object", ref: "io.k8s.api.core.v1.PodTemplateSpec" });
    const pts = type("io.k8s.api.core.v1.PodTemplateSpec");
    assert.equal(pts.origin, "kubernetes");
    assert.equal(pts.module, "kubernetes-types/core/v1");
    assert.deepEqual(field(pts.id, "metadata").type, { kind: "object", ref: "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" });
    const containers = field("io.k8s.api.core.v1.PodSpec", "containers");
    assert.equal(containers.required, true);
    assert.deepEqual(containers.type, { kind: "array", items: { kind: "object", ref: "io.k8s.api.core.v1.Container" } });
    assert.equal(containers.constraints.listType, "map");
    assert.deepEqual(containers.constraints.listMapKeys, ["name"]);
    assert.match(containers.description, /^List of containers belonging to the pod/);
    assert.deepEqual(field("io.k8s.api.core.v1.Container", "ports").constraints.listMapKeys, ["containerPort", "protocol"]);
    assert.equal(field("io.k8s.api.core.v1.ContainerPort", "protocol").constraints.default, "TCP");
    assert.equal(field("io.k8s.api.core.v1.PodSpec", "tolerations").constraints.listType, "atomic");
    assert.deepEqual(field("io.k8s.api.core.v1.ResourceRequirements", "limits").type, {
      kind: "map",
      values: { kind: "intOrString", quantity: true },
    });
    assert.deepEqual(field("io.k8s.api.core.v1.PodSpec", "activeDeadlineSeconds").type, { kind: "integer", format: "int64" });
    assert.deepEqual(field("io.k8s.api.core.v1.ContainerPort", "containerPort").type, { kind: "integer", format: "int32" });
    assert.deepEqual(field("io.k8s.api.core.v1.HTTPGetAction", "port").type, { kind: "intOrString", quantity: false });
    assert.deepEqual(field("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "creationTimestamp").type, { kind: "time", micro: false });
    assert.equal(field("io.k8s.api.core.v1.Container", "name").required, true);
    assert.equal(field("io.k8s.api.core.v1.Container", "image").required, false);
  });

  it("maps prelude types to their upstream ids and scalar kinds", () => {
    assert.deepEqual(field("io.skai.v1alpha1.InferenceServiceSpec", "model").type, {
      kind: "object",
      ref: "io.k8s.api.core.v1.LocalObjectReference",
    });
    const conditions = field("io.skai.v1alpha1.NotebookStatus", "conditions");
    assert.deepEqual(conditions.type, { kind: "array", items: { kind: "object", ref: "io.k8s.apimachinery.pkg.apis.meta.v1.Condition" } });
    assert.equal(field("io.k8s.apimachinery.pkg.apis.meta.v1.Condition", "reason").constraints.maxLength, 1024);
    assert.deepEqual(field("io.skai.v1alpha1.ComputeResources", "cpu").type, { kind: "intOrString", quantity: true });
    assert.deepEqual(field("io.skai.v1alpha1.ComputeResources", "gpus").type, { kind: "integer", format: "int32" });
    assert.deepEqual(field("io.skai.v1alpha1.RunPolicy", "activeDeadlineSeconds").type, { kind: "integer", format: "int64" });
    assert.deepEqual(field("io.skai.v1alpha1.DatasetStatus", "cacheRatio").type, { kind: "number", format: "double" });
    assert.deepEqual(field("io.skai.v1alpha1.NotebookSpec", "idleTimeout").type, { kind: "string" });
    assert.deepEqual(field("io.skai.v1alpha1.DatasetStatus", "lastSyncTime").type, { kind: "time", micro: false });
  });

  it("reads enums, named and inline", () => {
    assert.deepEqual(field("io.skai.v1alpha1.NotebookStatus", "phase").type, {
      kind: "enum",
      values: ["Pending", "Running", "Stopped", "Failed"],
      name: "NotebookPhase",
    });
    assert.deepEqual(field("io.skai.v1alpha1.ModelSpec", "framework").type, {
      kind: "enum",
      values: ["PyTorch", "TensorFlow", "MPI", "XGBoost", "ONNX", "SKLearn"],
    });
    assert.equal(field("io.skai.v1alpha1.DatasetSpec", "format").constraints.default, "Parquet");
  });

  it("puts base interface fields first", () => {
    const names = type("io.skai.v1alpha1.NotebookStatus").fields.map((f) => f.name);
    assert.deepEqual(names.slice(0, 2), ["conditions", "observedGeneration"]);
    assert.ok(names.includes("phase"));
  });

  it("reads field constraints and their sources", () => {
    const image = field("io.skai.v1alpha1.NotebookSpec", "image");
    assert.equal(image.required, true);
    assert.equal(image.description, "Container image that runs the notebook server.");
    assert.deepEqual(image.constraints, { minLength: 1, maxLength: 512 });
    assert.deepEqual(image.source, { file: "definitions/skai.io/v1alpha1/notebook.ts", line: 30, column: 3 });
    assert.deepEqual(field("io.skai.v1alpha1.RunPolicy", "activeDeadlineSeconds").constraints, { minimum: 0, exclusiveMinimum: true });
    assert.deepEqual(field("io.skai.v1alpha1.QueueSpec", "priority").constraints, { minimum: -1000, maximum: 1000, default: 0 });
    assert.equal(field("io.skai.v1alpha1.QueueSpec", "namespaces").constraints.listType, "set");
    assert.equal(field("io.skai.v1alpha1.DataSource", "uri").constraints.format, "uri");
    assert.equal(field("io.skai.v1alpha1.ModelSpec", "version").constraints.example, "1.4.0");
    assert.equal(field("io.skai.v1alpha1.ModelSpec", "storageUri").constraints.pattern, "^(s3|gs|https?|pvc|hf)://");
    const schema = field("io.skai.v1alpha1.DatasetSpec", "schema");
    assert.deepEqual(schema.type, { kind: "unknown" });
    assert.equal(schema.constraints.preserveUnknownFields, true);
    assert.deepEqual(field("io.skai.v1alpha1.ModelSpec", "tags").type, { kind: "map", values: { kind: "string" } });
  });

  it("turns @immutable into a transition rule", () => {
    const rules = field("io.skai.v1alpha1.NotebookSpec", "serviceAccountName").constraints.rules!;
    assert.equal(rules.length, 1);
    assert.equal(rules[0].rule, "self == oldSelf");
    assert.equal(rules[0].message, "Value is immutable");
    assert.deepEqual(rules[0].source, { file: "definitions/skai.io/v1alpha1/notebook.ts", line: 59, column: 6 });
  });

  it("puts @rule on a type into the type's constraints", () => {
    const rules = type("io.skai.v1alpha1.WorkerPool").constraints.rules!;
    assert.equal(rules.length, 1);
    assert.equal(rules[0].rule, "!has(self.elastic) || self.elastic.minReplicas <= self.elastic.maxReplicas");
    assert.equal(rules[0].message, "elastic.minReplicas must not exceed elastic.maxReplicas");
    const idle = field("io.skai.v1alpha1.NotebookSpec", "idleTimeout").constraints.rules!;
    assert.equal(idle[0].rule, "self.matches('^[0-9]+(s|m|h)$')");
    assert.equal(idle[0].message, "must be a duration like 30m");
  });

  it("is deterministic and JSON-serialisable", async () => {
    const again = await readDefinitions(join(root, "definitions"), { projectRoot: root });
    assert.equal(JSON.stringify(again.model), JSON.stringify(model));
    assert.deepEqual(JSON.parse(JSON.stringify(model)), model);
    const keys = Object.keys(model.types);
    assert.deepEqual(keys, [...keys].sort());
  });
});
