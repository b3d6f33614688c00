// OpenAPI documents built from the real SKAI definitions: valid OpenAPI 3.0 / Swagger 2.0,
// structural schemas, what kubectl 1.32 looks for (GVKs, PATCH ops with inline
// fieldValidation, SMP media type, explain walk), kube-style paths and operation ids.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { ApiModel } from "../../generator/src/model/types.js";
import { readDefinitions } from "../../generator/src/read/index.js";
import { buildV2Document, buildV3Document, collectDefinitions, openapiEmitter } from "../../generator/src/emit/openapi/index.js";
import { finishFile } from "../../generator/src/codegen/format.js";
import { openapi3Validator, swagger2Validator } from "./openapi-meta-schemas.js";
import { structuralProblems } from "./openapi-structural.js";
import { skaiEmitContext } from "../support/skai-context.js";

type Json = Record<string, any>;
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const INFO = { title: "@skai/api", version: "0.1.0" };
const V3 = "#/components/schemas/";
const G = "skai.io";
const V = "v1alpha1";
const METHODS = ["get", "put", "post", "patch", "delete"];

let model: ApiModel;
let v3: Json;
let v2: Json;

before(async () => {
  const r = await readDefinitions(join(root, "definitions"), { projectRoot: root });
  assert.deepEqual(r.diagnostics, []);
  model = r.model;
  v3 = buildV3Document(model, G, model.groups[0].versions.find((v) => v.name === "v1alpha1")!, INFO);
  v2 = buildV2Document(model, INFO);
});

const ops = (doc: Json) =>
  Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m] as Json, item: item as Json })),
  );
const kindNames = () => model.groups[0].versions.find((v) => v.name === "v1alpha1")!.kinds.map((k) => k.name);
const schema = (name: string): Json => v3.components.schemas[name];
/** Follows `$ref` and single-`allOf` wrappers the way kubectl explain does. */
const deref = (s: Json): Json => {
  const r = s.$ref ?? (s.allOf?.length === 1 ? s.allOf[0].$ref : undefined);
  return r ? deref(schema(r.slice(V3.length))) : s;
};

describe("OpenAPI v3 document", () => {
  it("validates against the OpenAPI 3.0 schema", () => {
    const validate = openapi3Validator();
    const ok = validate(v3);
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.equal(v3.openapi, "3.0.0");
  });

  it("resolves every reference and describes every type the model references", () => {
    assert.deepEqual(collectDefinitions(model, [{ group: G, version: V }]).unresolved, []);
    const text = JSON.stringify(v3);
    for (const m of text.matchAll(/"\$ref":"([^"]+)"/g)) {
      assert.ok(m[1].startsWith(V3), m[1]);
      assert.ok(schema(m[1].slice(V3.length)), `missing ${m[1]}`);
    }
  });

  it("keeps every schema reachable from a kind structural", () => {
    const roots = kindNames().flatMap((k) => [`io.skai.v1alpha1.${k}`, `io.skai.v1alpha1.${k}List`]);
    assert.deepEqual(structuralProblems(v3.components.schemas, roots, V3), []);
  });

  it("tags kinds and lists with their group-version-kind (array form)", () => {
    for (const k of kindNames()) {
      assert.deepEqual(schema(`io.skai.v1alpha1.${k}`)["x-kubernetes-group-version-kind"], [{ group: G, kind: k, version: V }]);
      assert.deepEqual(schema(`io.skai.v1alpha1.${k}List`)["x-kubernetes-group-version-kind"], [{ group: G, kind: `${k}List`, version: V }]);
    }
    assert.deepEqual(schema("io.k8s.api.autoscaling.v1.Scale")["x-kubernetes-group-version-kind"], [{ group: "autoscaling", kind: "Scale", version: "v1" }]);
  });

  it("gives every operation an action and an object-form GVK", () => {
    for (const { path, op } of ops(v3)) {
      assert.ok(op["x-kubernetes-action"], `${path} action`);
      const gvk = op["x-kubernetes-group-version-kind"];
      assert.ok(gvk && !Array.isArray(gvk) && gvk.kind && "group" in gvk && gvk.version, `${path} gvk`);
      assert.ok(op.operationId && op.tags?.length, `${path} id/tags`);
    }
    const ids = ops(v3).map((o) => o.op.operationId);
    assert.equal(new Set(ids).size, ids.length, "operation ids are unique");
  });

  it("gives every kind a PATCH op with inline fieldValidation and the patch media types", () => {
    const patches = ops(v3).filter((o) => o.method === "patch");
    for (const k of kindNames()) assert.ok(patches.some((p) => p.op["x-kubernetes-group-version-kind"].kind === k), `PATCH for ${k}`);
    for (const { path, op } of patches) {
      assert.ok(op["x-kubernetes-group-version-kind"], path);
      assert.ok(op.parameters.some((p: Json) => p.name === "fieldValidation" && p.in === "query" && p.description), `${path} fieldValidation`);
      assert.ok(op.parameters.some((p: Json) => p.name === "force"), `${path} force`);
      assert.deepEqual(Object.keys(op.requestBody.content).sort(), [
        "application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json",
      ]);
    }
  });

  it("publishes kube's paths and operation ids for a namespaced kind", () => {
    const base = "/apis/skai.io/v1alpha1";
    const p = v3.paths;
    const coll = p[`${base}/namespaces/{namespace}/notebooks`];
    assert.equal(coll.get.operationId, "listSkaiIoV1alpha1NamespacedNotebook");
    assert.equal(coll.post.operationId, "createSkaiIoV1alpha1NamespacedNotebook");
    assert.equal(coll.delete.operationId, "deleteSkaiIoV1alpha1CollectionNamespacedNotebook");
    assert.equal(coll.delete["x-kubernetes-action"], "deletecollection");
    assert.deepEqual(coll.parameters.map((x: Json) => x.name), ["namespace", "pretty"]);
    assert.ok(coll.get.parameters.some((x: Json) => x.name === "watch"));
    assert.ok(coll.get.responses["200"].content["application/json;stream=watch"]);
    assert.deepEqual(Object.keys(coll.post.responses), ["200", "201", "202", "401"]);
    const item = p[`${base}/namespaces/{namespace}/notebooks/{name}`];
    assert.equal(item.get.operationId, "readSkaiIoV1alpha1NamespacedNotebook");
    assert.equal(item.put.operationId, "replaceSkaiIoV1alpha1NamespacedNotebook");
    assert.equal(item.delete.responses["202"].content["application/json"].schema.$ref, `${V3}io.k8s.apimachinery.pkg.apis.meta.v1.Status`);
    assert.deepEqual(item.parameters.map((x: Json) => x.name), ["name", "namespace", "pretty"]);
    assert.equal(p[`${base}/notebooks`].get.operationId, "listSkaiIoV1alpha1NotebookForAllNamespaces");
    assert.equal(p[`${base}/namespaces/{namespace}/notebooks/{name}/status`].patch.operationId, "patchSkaiIoV1alpha1NamespacedNotebookStatus");
    assert.equal(p[`${base}/namespaces/{namespace}/notebooks/{name}/log`].get.operationId, "readSkaiIoV1alpha1NamespacedNotebookLog");
    const exec = p[`${base}/namespaces/{namespace}/notebooks/{name}/exec`];
    assert.equal(exec.get["x-kubernetes-action"], "connect");
    assert.equal(exec.post.operationId, "connectSkaiIoV1alpha1PostNamespacedNotebookExec");
    assert.equal(p[`${base}/watch/namespaces/{namespace}/notebooks`].get["x-kubernetes-action"], "watchlist");
    assert.equal(p[`${base}/watch/namespaces/{namespace}/notebooks/{name}`].get.operationId, "watchSkaiIoV1alpha1NamespacedNotebook");
    // Only what the server serves: no protobuf anywhere.
    assert.ok(!JSON.stringify(v3.paths).includes("protobuf"));
  });

  it("publishes cluster paths for a cluster-scoped kind and Scale for scale subresources", () => {
    const base = "/apis/skai.io/v1alpha1";
    assert.equal(v3.paths[`${base}/queues`].get.operationId, "listSkaiIoV1alpha1Queue");
    assert.equal(v3.paths[`${base}/queues/{name}`].get.operationId, "readSkaiIoV1alpha1Queue");
    assert.ok(!Object.keys(v3.paths).some((x) => x.includes("namespaces/{namespace}/queues")));
    assert.ok(!v3.paths[`${base}/queues/{name}`].parameters.some((x: Json) => x.name === "namespace"));
    const scale = v3.paths[`${base}/namespaces/{namespace}/trainingjobs/{name}/scale`];
    assert.deepEqual(scale.put["x-kubernetes-group-version-kind"], { group: "autoscaling", kind: "Scale", version: "v1" });
    assert.equal(scale.get.responses["200"].content["application/json"].schema.$ref, `${V3}io.k8s.api.autoscaling.v1.Scale`);
  });

  it("lets kubectl explain walk notebook.spec to the doc comments", () => {
    // explain: GVK from the resource's path ops, then the schema whose GVK list holds it.
    const item = v3.paths["/apis/skai.io/v1alpha1/namespaces/{namespace}/notebooks/{name}"];
    const gvk = METHODS.map((m) => item[m]?.["x-kubernetes-group-version-kind"]).find(Boolean);
    const [name] = Object.entries(v3.components.schemas as Json).find(([, s]) =>
      (s["x-kubernetes-group-version-kind"] ?? []).some((x: Json) => x.group === gvk.group && x.kind === gvk.kind && x.version === gvk.version),
    )!;
    const notebook = schema(name);
    assert.match(notebook.description, /interactive development environment/);
    const spec = notebook.properties.spec;
    // The field's own doc, then its type's: kubectl prints both, so they must differ.
    assert.equal(spec.description, "Specification of the desired behavior of the Notebook.");
    assert.match(deref(spec).description, /desired state of a Notebook/);
    const image = deref(spec).properties.image;
    assert.equal(image.description, "Container image that runs the notebook server.");
    assert.equal(image.type, "string");
    assert.ok(deref(spec).required.includes("image"));
    const phase = deref(notebook.properties.status).properties.phase;
    assert.deepEqual(phase.enum, ["Pending", "Running", "Stopped", "Failed"]);
    assert.equal(deref(notebook.properties.metadata).properties.name.type, "string");
  });

  it("carries constraints, defaults, list and patch extensions and CEL rules", () => {
    const spec = schema("io.skai.v1alpha1.NotebookSpec").properties;
    assert.equal(spec.image.minLength, 1);
    assert.equal(spec.image.maxLength, 512);
    assert.equal(spec.idleTimeout.default, "1h");
    assert.equal(spec.idleTimeout["x-kubernetes-validations"][0].message, "must be a duration like 30m");
    assert.equal(spec.env["x-kubernetes-list-type"], "map");
    assert.deepEqual(spec.env["x-kubernetes-list-map-keys"], ["name"]);
    assert.equal(spec.env["x-kubernetes-patch-strategy"], "merge");
    assert.equal(spec.env["x-kubernetes-patch-merge-key"], "name");
    // A $ref with siblings is wrapped like kube does in v3.
    assert.deepEqual(spec.resources.allOf, [{ $ref: `${V3}io.skai.v1alpha1.ComputeResources` }]);
    assert.equal(spec.resources.description, "Compute the notebook gets.");
  });

  it("builds PodTemplateSpec fully from the model, with quantities as int-or-string", () => {
    const template = schema("io.skai.v1alpha1.TrainingJobSpec").properties.template;
    assert.deepEqual(template.allOf, [{ $ref: `${V3}io.k8s.api.core.v1.PodTemplateSpec` }]);
    const podSpec = deref(deref(template).properties.spec);
    const containers = podSpec.properties.containers;
    assert.equal(containers["x-kubernetes-patch-merge-key"], "name");
    assert.equal(containers["x-kubernetes-patch-strategy"], "merge");
    const container = deref(containers.items);
    assert.ok(container.required.includes("name"));
    const limits = deref(container.properties.resources).properties.limits;
    assert.equal(limits.type, "object");
    const quantity = deref(limits.additionalProperties);
    assert.equal(quantity["x-kubernetes-int-or-string"], true);
    assert.match(quantity.description, /Quantity is a fixed-point representation/);
    assert.ok(schema("io.k8s.api.core.v1.Volume"), "volumes follow");
    // ObjectMeta is kube's text and extensions, not a copy.
    assert.equal(schema("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").properties.ownerReferences["x-kubernetes-patch-merge-key"], "uid");
  });
});

describe("OpenAPI v2 document", () => {
  it("validates against the Swagger 2.0 schema", () => {
    const validate = swagger2Validator();
    const ok = validate(v2);
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.equal(v2.swagger, "2.0");
  });

  it("uses #/definitions refs, no allOf wrappers, no oneOf/anyOf, and stays structural", () => {
    const text = JSON.stringify(v2);
    assert.ok(!text.includes("#/components/"));
    assert.ok(!/"(allOf|oneOf|anyOf)"/.test(text));
    for (const m of text.matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)) assert.ok(v2.definitions[m[1]], m[1]);
    const roots = kindNames().map((k) => `io.skai.v1alpha1.${k}`);
    assert.deepEqual(structuralProblems(v2.definitions, roots, "#/definitions/"), []);
    assert.equal(v2.definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"].type, "string");
    assert.equal(v2.definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"].format, "int-or-string");
  });

  it("keeps GVKs on operations and definitions, with consumes/produces", () => {
    assert.deepEqual(v2.definitions["io.skai.v1alpha1.Notebook"]["x-kubernetes-group-version-kind"], [{ group: G, kind: "Notebook", version: V }]);
    const patch = v2.paths["/apis/skai.io/v1alpha1/namespaces/{namespace}/notebooks/{name}"].patch;
    assert.deepEqual(patch["x-kubernetes-group-version-kind"], { group: G, kind: "Notebook", version: V });
    assert.ok(patch.consumes.includes("application/strategic-merge-patch+json"));
    assert.deepEqual(patch.produces, ["application/json", "application/yaml"]);
    assert.ok(patch.parameters.some((p: Json) => p.name === "fieldValidation" && p.in === "query"));
    assert.ok(patch.parameters.some((p: Json) => p.in === "body" && p.schema.$ref === "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"));
    const watchEvent = v2.definitions["io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent"]["x-kubernetes-group-version-kind"];
    assert.ok(watchEvent.some((x: Json) => x.group === G && x.version === V));
  });
});

describe("meta-schema validators", () => {
  it("reject broken documents", () => {
    const v3check = openapi3Validator();
    assert.equal(v3check({ openapi: "3.0.0", info: { title: "t", version: "1" }, paths: { "/x": { get: { parameters: [{ name: "a" }], responses: {} } } } }), false);
    assert.equal(v3check({ openapi: "2.0", info: { title: "t", version: "1" }, paths: {} }), false);
    assert.equal(v3check({ openapi: "3.0.0", info: { title: "t", version: "1" }, paths: {}, components: { schemas: { A: { multipleOf: 0 } } } }), false);
    const v2check = swagger2Validator();
    assert.equal(v2check({ swagger: "2.0", info: { title: "t", version: "1" }, paths: {}, definitions: { A: { anyOf: [] } } }), false);
    assert.equal(v2check({ swagger: "2.0", info: { title: "t", version: "1" }, paths: {}, definitions: { A: { type: "object", maxLength: -1 } } }), false);
  });
});

describe("openapi emitter", () => {
  it("writes one v3 document per served group-version and one v2 document, laid out by JSON.stringify", async () => {
    const files = await openapiEmitter.emit(model, skaiEmitContext(model));
    assert.deepEqual(files.map((f) => f.path), ["openapi/v3/apis/skai.io/v1beta1.json", "openapi/v3/apis/skai.io/v1alpha1.json", "openapi/v2.json"]);
    for (const f of files) {
      assert.equal(f.language, "json");
      assert.equal(f.preformatted, true);
      const finished = await finishFile(f);
      assert.equal(finished.content, f.content, "written as given: JSON has no comment for a header");
      assert.ok(JSON.parse(f.content));
    }
  });
});
