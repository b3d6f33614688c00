// The reader on a small tree that uses the rest of the language: several
// versions, version tags, aliases with constraints, unions, intersections,
// inline object types, maps, nullable fields and custom subresources.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { checkModel } from "../../generator/src/check/index.js";
import type { ApiModel, Field } from "../../generator/src/model/types.js";
import { readDefinitions } from "../../generator/src/read/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
let model: ApiModel;

before(async () => {
  const r = await readDefinitions(join(root, "test/fixtures/good/features"), { projectRoot: root });
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(checkModel(r.model, { projectRoot: root }), []);
  model = r.model;
});

const field = (id: string, name: string): Field => {
  const f = model.types[id]?.fields.find((x) => x.name === name);
  assert.ok(f, `${id}.${name} exists`);
  return f;
};
const spec = "com.example.ml.v1.GizmoSpec";

describe("reading the language's features", () => {
  it("orders versions by priority and reads version tags", () => {
    const [group] = model.groups;
    assert.equal(group.name, "ml.example.com");
    assert.deepEqual(
      group.versions.map((v) => [v.name, v.served, v.storage, v.deprecated]),
      [
        ["v1", true, true, undefined],
        ["v1beta1", false, false, "ml.example.com/v1beta1 is deprecated; use v1"],
      ],
    );
  });

  it("reads kind tags: plural, scope, quoted print column values, custom subresources, kind rules", () => {
    const k = model.groups[0].versions[0].kinds[0];
    assert.equal(k.plural, "gizmoes");
    assert.equal(k.scope, "Cluster");
    assert.deepEqual(k.subresources.custom, ["proxy"]);
    assert.equal(k.printColumns[0].name, "Pretty Name");
    assert.equal(k.printColumns[0].description, "The title, quoted");
    assert.equal(k.printColumns[1].jsonPath, '.status.conditions[?(@.type=="Ready")].status');
    assert.deepEqual(k.rules.map((r) => [r.rule, r.message]), [["self.metadata.name.size() < 64", "name too long"]]);
    const old = model.groups[0].versions[1].kinds[0];
    assert.equal(old.status, undefined);
    assert.equal(old.plural, "gizmoes");
  });

  it("names types by the version that declares them", () => {
    assert.deepEqual(field("com.example.ml.v1beta1.GizmoSpec", "owner").type, { kind: "object", ref: "com.example.ml.v1.Named" });
    assert.equal(field("com.example.ml.v1beta1.GizmoSpec", "name").description, "The name.");
  });

  it("carries alias constraints and descriptions to fields and list items", () => {
    const slug = field(spec, "slug");
    assert.deepEqual(slug.constraints, { pattern: "^[a-z]+$", maxLength: 20 });
    assert.equal(slug.description, "A lower-case slug.");
    assert.deepEqual(field(spec, "slugs").type, {
      kind: "array",
      items: { kind: "string" },
      itemConstraints: { pattern: "^[a-z]+$", maxLength: 20 },
    });
    assert.deepEqual(field(spec, "colors").type, { kind: "array", items: { kind: "enum", values: ["red", "green"], name: "Color" } });
  });

  it("reads maps, inline objects, nullable fields and Array<T>", () => {
    assert.deepEqual(field(spec, "labels").type, { kind: "map", values: { kind: "string" } });
    assert.deepEqual(field(spec, "nested").type, { kind: "object", ref: "com.example.ml.v1.GizmoSpecNested" });
    assert.deepEqual(model.types["com.example.ml.v1.GizmoSpecNested"].fields.map((f) => f.name), ["depth"]);
    assert.deepEqual(field(spec, "maybe").type, { kind: "string" });
    assert.equal(field(spec, "maybe").constraints.nullable, true);
    assert.deepEqual(field(spec, "flags").type, { kind: "array", items: { kind: "boolean" } });
    assert.deepEqual(field(spec, "ratio").type, { kind: "number", format: "double" });
    assert.equal(field(spec, "quoted-name").constraints.rules?.[0].rule, "self == oldSelf");
  });

  it("merges a discriminated union into one object with rules", () => {
    const source = model.types["com.example.ml.v1.Source"];
    assert.deepEqual(source.fields.map((f) => [f.name, f.required]), [["type", true], ["bucket", false], ["url", false]]);
    assert.deepEqual(source.fields[0].type, { kind: "enum", values: ["S3", "Web", "Http"] });
    assert.deepEqual(source.constraints.rules?.map((r) => r.rule), [
      "!(self.type == 'S3') || (has(self.bucket))",
      "!(self.type in ['Web', 'Http']) || (has(self.url))",
    ]);
  });

  it("reads union tags, intersections, inherited fields, @deprecated and @protobuf", () => {
    assert.deepEqual(model.types["com.example.ml.v1.Where"].constraints.exactlyOneOf, [["bucket", "url"]]);
    assert.deepEqual(model.types["com.example.ml.v1.Extended"].fields.map((f) => f.name), ["name", "extra"]);
    assert.equal(model.types[spec].fields[0].name, "name");
    const old = field(spec, "oldTitle");
    assert.equal(old.constraints.deprecated, true);
    assert.equal(old.description, "Old title.\nDeprecated: use title");
    assert.equal(field(spec, "pinned").protobuf, 7);
    assert.deepEqual(field(spec, "extra").constraints, { example: { a: 1 }, preserveUnknownFields: true });
    assert.equal(field(spec, "mode").constraints.default, "Fast");
    assert.equal(field(spec, "size").constraints.default, "10Gi");
  });

  it("follows prelude and kubernetes-types references", () => {
    assert.deepEqual(field(spec, "selector").type, { kind: "object", ref: "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector" });
    assert.equal(field("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector", "matchExpressions").constraints.listType, "atomic");
    assert.deepEqual(field("io.k8s.api.core.v1.Toleration", "tolerationSeconds").type, { kind: "integer", format: "int64" });
  });
});
