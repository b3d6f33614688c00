// OpenAPI output for a hand-built model (see openapi-fixture.ts): shapes the SKAI
// definitions do not exercise, in v3 and their v2 rewrite.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildV2Document, buildV3Document, openapiEmitter } from "../../generator/src/emit/openapi/index.js";
import { openapi3Validator, swagger2Validator } from "./openapi-meta-schemas.js";
import { structuralProblems } from "./openapi-structural.js";
import { smallModel } from "./openapi-fixture.js";
import { emitContextFor } from "../support/skai-context.js";

type Json = Record<string, any>;
const INFO = { title: "t", version: "0" };
const model = smallModel();
const v3: Json = buildV3Document(model, "example.com", model.groups[0].versions[0], INFO);
const v2: Json = buildV2Document(model, INFO);
const spec = v3.components.schemas["com.example.v1.GadgetSpec"];
const spec2 = v2.definitions["com.example.v1.GadgetSpec"];

describe("OpenAPI from a hand-built model", () => {
  it("is valid and structural in both versions", () => {
    const a = openapi3Validator();
    assert.ok(a(v3), JSON.stringify(a.errors));
    const b = swagger2Validator();
    assert.ok(b(v2), JSON.stringify(b.errors));
    assert.deepEqual(structuralProblems(v3.components.schemas, ["com.example.v1.Gadget"], "#/components/schemas/"), []);
    assert.deepEqual(structuralProblems(v2.definitions, ["com.example.v1.Gadget"], "#/definitions/"), []);
  });

  it("publishes only served versions, cluster paths without namespaces", async () => {
    const files = await openapiEmitter.emit(model, emitContextFor(model));
    assert.deepEqual(files.map((f) => f.path), ["openapi/v3/apis/example.com/v1.json", "openapi/v2.json"]);
    assert.deepEqual(Object.keys(v3.paths), [
      "/apis/example.com/v1/gadgets", "/apis/example.com/v1/gadgets/{name}", "/apis/example.com/v1/watch/gadgets", "/apis/example.com/v1/watch/gadgets/{name}",
    ]);
    assert.equal(v3.paths["/apis/example.com/v1/gadgets"].get.operationId, "listExampleComV1Gadget");
    assert.equal(v3.paths["/apis/example.com/v1/watch/gadgets/{name}"].get.operationId, "watchExampleComV1Gadget");
    assert.ok(!JSON.stringify(v2.paths).includes("v1beta1"));
  });

  it("shapes the kind: no status without one, kind rules, GVK", () => {
    const gadget = v3.components.schemas["com.example.v1.Gadget"];
    assert.deepEqual(Object.keys(gadget.properties), ["apiVersion", "kind", "metadata", "spec"]);
    assert.deepEqual(gadget["x-kubernetes-validations"], [{ rule: "self.metadata.name.size() < 20", message: "short names" }]);
    assert.deepEqual(gadget.required, ["spec"]);
    // spec requires fields, so kube's `default: {}` would not validate and is left out.
    assert.equal(gadget.properties.spec.default, undefined);
    assert.deepEqual(gadget.properties.metadata.default, {});
  });

  it("maps values: int-or-string, quantity, nullable, deprecated, free-form, embedded, micro time", () => {
    assert.deepEqual(spec.properties.size, { allOf: [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString" }], description: "Size as a number or a name." });
    assert.deepEqual(spec.properties.memory, { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity" });
    assert.deepEqual(spec.properties.note, { type: "string", deprecated: true, nullable: true });
    assert.deepEqual(spec.properties.config, { type: "object", "x-kubernetes-preserve-unknown-fields": true });
    assert.equal(spec.properties.template["x-kubernetes-embedded-resource"], true);
    assert.equal(spec.properties.since.$ref, "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime");
    assert.deepEqual(spec.properties.ratio, { type: "number", format: "double", minimum: 0, maximum: 1, exclusiveMinimum: true });
    assert.deepEqual(spec.properties.modes.items, { type: "string", enum: ["Fast", "Slow"] });
    assert.equal(spec.properties.modes["x-kubernetes-list-type"], "set");
    assert.deepEqual(spec.properties.weights, { type: "object", additionalProperties: { type: "integer", format: "int64", minimum: 0 }, "x-kubernetes-map-type": "atomic" });
  });

  it("merges by key only for single-key map lists", () => {
    assert.deepEqual(spec.properties.ports["x-kubernetes-list-map-keys"], ["port", "protocol"]);
    assert.equal(spec.properties.ports["x-kubernetes-patch-merge-key"], undefined);
    assert.equal(v3.components.schemas["com.example.v1.Port"].properties.protocol.default, "TCP");
  });

  it("states union tags as the CEL rules the server enforces", () => {
    assert.deepEqual(v3.components.schemas["com.example.v1.Tls"]["x-kubernetes-validations"], [
      { rule: "[has(self.secret),has(self.acme)].filter(x,x).size() == 1", message: "exactly one of the fields in [secret acme] must be set" },
    ]);
  });

  it("rewrites to v2: x-nullable, no deprecated, int-or-string as string, $ref siblings", () => {
    assert.deepEqual(spec2.properties.note, { type: "string", "x-nullable": true });
    assert.deepEqual(spec2.properties.size, { $ref: "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString", description: "Size as a number or a name." });
    const q = v2.definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"];
    assert.equal(q.type, "string");
    assert.equal(q.oneOf, undefined);
    assert.deepEqual(v2.paths["/apis/example.com/v1/gadgets/{name}"].patch["x-kubernetes-group-version-kind"], { group: "example.com", kind: "Gadget", version: "v1" });
  });
});
