/**
 * The structural schemas: Kubernetes' structural rules hold (every node typed
 * except int-or-string, no $ref), the extensions are where Kubernetes expects
 * them, tags become CEL rules, and the emitted validators are valid ES modules.
 */
import { finishFile } from "../../generator/src/codegen/format.js";
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { ApiModel } from "../../generator/src/model/types.js";
import { validatorsEmitter } from "../../generator/src/emit/validators.js";
import { buildStructuralSchema, QUANTITY_PATTERN } from "../../generator/src/model/structural-schema.js";
import type { StructuralSchema } from "../../runtime/src/api/resource.js";
import { findUnknownFields, KUBERNETES_FORMATS as RUNTIME_FORMATS } from "../../runtime/src/validation/index.js";
import { KUBERNETES_FORMATS } from "../../generator/src/emit/schema/ajv.js";
import { readSkai, SKAI_KINDS } from "../fixtures/samples/skai.js";
import { WIDGET_MODEL } from "../fixtures/samples/widget-model.js";
import { emitContextFor } from "../support/skai-context.js";

let skai: ApiModel;
before(async () => {
  skai = await readSkai();
});

const schemaOf = (kind: string) => buildStructuralSchema(skai, "skai.io", "v1alpha1", kind);
const widget = () => buildStructuralSchema(WIDGET_MODEL, "test.skai.io", "v1", "Widget");

/** Every node of a schema with its path. */
function* nodes(s: StructuralSchema, path = ""): Generator<[string, StructuralSchema]> {
  yield [path, s];
  for (const [k, p] of Object.entries(s.properties ?? {})) yield* nodes(p, `${path}.${k}`);
  if (s.items) yield* nodes(s.items, `${path}[]`);
  if (typeof s.additionalProperties === "object") yield* nodes(s.additionalProperties, `${path}{}`);
}

describe("structural schema", () => {
  it("is structural for every SKAI kind: typed nodes, no $ref, int-or-string as Kubernetes spells it", () => {
    for (const kind of SKAI_KINDS) {
      const s = schemaOf(kind);
      assert.equal(JSON.stringify(s).includes("$ref"), false, kind);
      for (const [path, n] of nodes(s)) {
        if (n["x-kubernetes-int-or-string"]) {
          assert.equal(n.type, undefined, `${kind}${path}`);
          assert.deepEqual(n.anyOf, [{ type: "integer" }, { type: "string" }], `${kind}${path}`);
        } else assert.ok(n.type, `${kind}${path} has no type`);
      }
      assert.deepEqual(Object.keys(s.properties!).slice(0, 4), ["apiVersion", "kind", "metadata", "spec"]);
      assert.deepEqual(s.properties!.metadata, { type: "object" });
      assert.equal(s.properties!.apiVersion!.type, "string");
      assert.deepEqual(s.required, ["spec"]);
    }
  });

  it("quantities carry Kubernetes' quantity pattern; plain int-or-string does not", () => {
    assert.equal(
      QUANTITY_PATTERN,
      "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$",
    );
    const cpu = schemaOf("Notebook").properties!.spec!.properties!.resources!.properties!.cpu!;
    assert.equal(cpu.pattern, QUANTITY_PATTERN);
    assert.equal(cpu.default, "1");
    assert.equal(widget().properties!.spec!.properties!.target!.pattern, undefined);
  });

  it("list and map extensions, defaults, descriptions", () => {
    const spec = schemaOf("Notebook").properties!.spec!;
    assert.equal(spec.description, "NotebookSpec is the desired state of a Notebook.");
    assert.equal(spec.properties!.env!["x-kubernetes-list-type"], "map");
    assert.deepEqual(spec.properties!.env!["x-kubernetes-list-map-keys"], ["name"]);
    assert.equal(spec.properties!.env!.maxItems, 64);
    assert.equal(spec.properties!.idleTimeout!.default, "1h");
    const containers = schemaOf("TrainingJob").properties!.spec!.properties!.template!.properties!.spec!.properties!.containers!;
    assert.equal(containers["x-kubernetes-list-type"], "map");
    assert.deepEqual(containers.items!.required, ["name"]);
    const w = widget().properties!.spec!.properties!;
    assert.equal(w.labels!["x-kubernetes-map-type"], "atomic");
    assert.equal(w.labels!.additionalProperties && typeof w.labels!.additionalProperties === "object" && w.labels!.additionalProperties.maxLength, 4);
    assert.equal(w.bounds!["x-kubernetes-map-type"], "atomic");
    assert.equal(w.hosts!["x-kubernetes-list-type"], "set");
    assert.equal(w.note!.nullable, true);
    assert.deepEqual([w.ratio!.minimum, w.ratio!.exclusiveMinimum], [0, true]);
    assert.equal(w.tags!.uniqueItems, true);
    assert.equal(w.when!.format, "date-time");
  });

  it("@immutable, @rule and union tags become x-kubernetes-validations", () => {
    const nb = schemaOf("Notebook").properties!.spec!.properties!;
    assert.deepEqual(nb.serviceAccountName!["x-kubernetes-validations"], [
      { rule: "self == oldSelf", message: "Value is immutable", reason: "FieldValueInvalid" },
    ]);
    assert.deepEqual(nb.idleTimeout!["x-kubernetes-validations"], [
      { rule: "self.matches('^[0-9]+(s|m|h)$')", message: "must be a duration like 30m" },
    ]);
    assert.deepEqual(widget().properties!.spec!.properties!.source!["x-kubernetes-validations"], [
      { rule: "[has(self.git),has(self.s3)].filter(x,x).size() == 1", message: "exactly one of the fields in [git s3] must be set" },
    ]);
  });

  it("preserve-unknown-fields and embedded resources", () => {
    const ds = schemaOf("Dataset").properties!.spec!.properties!.schema!;
    assert.deepEqual([ds.type, ds["x-kubernetes-preserve-unknown-fields"]], ["object", true]);
    const m = widget().properties!.spec!.properties!.manifest!;
    assert.deepEqual([m.type, m["x-kubernetes-embedded-resource"], m["x-kubernetes-preserve-unknown-fields"]], ["object", true, true]);
    const s: StructuralSchema = {
      type: "object",
      properties: { spec: { type: "object", properties: { r: { type: "object", "x-kubernetes-embedded-resource": true, properties: { data: { type: "string" } } } } } },
    };
    const obj = { apiVersion: "v", kind: "K", metadata: { name: "x" }, spec: { r: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: "d", junk: 1 } } };
    assert.deepEqual(findUnknownFields(obj, s), ["spec.r.junk"]);
  });
});

describe("emitted validators", () => {
  it("compile against exactly the formats the runtime implements", () => {
    assert.deepEqual([...KUBERNETES_FORMATS].sort(), [...RUNTIME_FORMATS].sort());
  });

  it("are ES modules: no require(), imports that resolve from the generated package", async () => {
    const files = await validatorsEmitter.emit(WIDGET_MODEL, emitContextFor(WIDGET_MODEL));
    assert.deepEqual(
      files.map((f) => f.path).sort(),
      ["src/test.skai.io/v1/validate/widget.d.ts", "src/test.skai.io/v1/validate/widget.js", "src/test.skai.io/v1/validation.ts"],
    );
    const jsFile = files.find((f) => f.path.endsWith(".js"))!;
    assert.equal(jsFile.preformatted, true, "Ajv lays out its own code; prettier is skipped");
    const js = (await finishFile(jsFile)).content;
    assert.equal(/\brequire\(/.test(js), false);
    const specifiers = [...js.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
    assert.ok(specifiers.length > 0);
    for (const spec of specifiers) assert.match(spec, /^(ajv\/dist\/runtime\/[\w-]+\.js|@skai-gen\/runtime\/validation\/(formats|re2))$/);
    // Patterns run on RE2, as kube-openapi runs them on Go's regexp.
    assert.match(js, /const pattern0 = func\d+\("\^\[a-z\]\+\$", "u"\)/);
    assert.match(js, /^\/\/ Code generated by skai-gen\. DO NOT EDIT\./);
    assert.match(js, /export const validateWidget = validate;/);
  });
});
