/**
 * The conversion plan of the real SKAI definitions: which fields map by name
 * between v1beta1 and the v1alpha1 storage version, which need the user's
 * functions, and the compatibility rules on a hand-built model.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { planGroupConversions, type GroupConversionPlan } from "../../generator/src/conversion/plan.js";
import { deprecationWarning } from "../../generator/src/model/deprecation.js";
import type { ApiModel } from "../../generator/src/model/types.js";
import { readDefinitions } from "../../generator/src/read/index.js";
import * as skaiConversions from "../../apiserver/src/conversion.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

describe("conversion plan of skai.io", () => {
  let model: ApiModel;
  let plan: GroupConversionPlan;
  before(async () => {
    const r = await readDefinitions(join(root, "definitions"), { projectRoot: root });
    assert.deepEqual(r.diagnostics, []);
    model = r.model;
    plan = planGroupConversions(model, model.groups[0])!;
  });

  it("converts every v1beta1 kind through the v1alpha1 storage version", () => {
    assert.equal(plan.storage.name, "v1alpha1");
    assert.deepEqual(plan.kinds.map((k) => `${k.version.name}/${k.kind.name}`), ["Dataset", "InferenceService", "Model", "Notebook", "Queue", "TrainingJob"].map((k) => `v1beta1/${k}`));
  });

  it("leaves only Notebook's reshaped spec fields to the user functions", () => {
    const unmapped = [...plan.pairs.values()].filter((p) => p.unmapped.length).map((p) => `${p.user}: ${p.unmapped.map((f) => f.name).join(",")}`);
    assert.deepEqual(unmapped.sort(), [
      "Convert_v1alpha1_NotebookSpec_To_v1beta1_NotebookSpec: image,resources",
      "Convert_v1beta1_NotebookSpec_To_v1alpha1_NotebookSpec: template",
    ]);
    // SKAI's main passes exactly these (apiserver/src/conversion.ts's exports) to serve().
    assert.deepEqual(Object.keys(skaiConversions).sort(), unmapped.map((u) => u.split(":")[0]).sort());
  });

  it("words the deprecation as kube does for CRD versions", () => {
    const [g] = model.groups;
    const alpha = g.versions.find((v) => v.name === "v1alpha1")!;
    assert.equal(deprecationWarning(g, alpha, "Notebook"), "skai.io/v1alpha1 Notebook is deprecated; use skai.io/v1beta1 Notebook");
    assert.equal(deprecationWarning(g, g.versions[0], "Notebook"), undefined);
    assert.equal(deprecationWarning(g, { ...alpha, deprecated: "custom text" }, "Notebook"), "custom text");
  });
});

describe("conversion plan: compatibility", () => {
  const src = { file: "x.ts", line: 1, column: 1 };
  const field = (name: string, type: any) => ({ name, description: "", required: false, type, constraints: {}, source: src });
  const obj = (id: string, fields: any[]) => ({ id, name: id.split(".").pop()!, origin: "definitions" as const, description: "", fields, constraints: {}, source: src });
  const kind = (spec: string) => ({ name: "W", listKind: "WList", plural: "ws", singular: "w", scope: "Namespaced" as const, shortNames: [], categories: [], description: "", spec, subresources: { status: false, log: false, exec: false, custom: [] }, printColumns: [], selectableFields: [], rules: [], source: src });

  it("maps superset enums, int32 to int64, nested pairs in lists; not the other way", () => {
    const model: ApiModel = {
      groups: [{ name: "g.io", versions: [
        { name: "v2", served: true, storage: false, description: "", kinds: [kind("g.v2.S")], source: src },
        { name: "v1", served: true, storage: true, description: "", kinds: [kind("g.v1.S")], source: src },
      ] }],
      types: {
        "g.v2.S": obj("g.v2.S", [field("e", { kind: "enum", values: ["a", "b"] }), field("n", { kind: "integer", format: "int32" }), field("items", { kind: "array", items: { kind: "object", ref: "g.v2.I" } })]),
        "g.v1.S": obj("g.v1.S", [field("e", { kind: "enum", values: ["a"] }), field("n", { kind: "integer", format: "int64" }), field("items", { kind: "array", items: { kind: "object", ref: "g.v1.I" } })]),
        "g.v2.I": obj("g.v2.I", [field("x", { kind: "string" })]),
        "g.v1.I": obj("g.v1.I", [field("x", { kind: "string" })]),
      },
    };
    const plan = planGroupConversions(model, model.groups[0])!;
    // v2 -> v1: int32 fits int64, the list walks the item pair; enum value b has no home in v1.
    const up = plan.pairs.get("g.v2.S->g.v1.S")!;
    assert.deepEqual(up.mapped.map((m) => [m.name, m.conversion.kind]), [["n", "copy"], ["items", "array"]]);
    assert.deepEqual(up.unmapped.map((f) => f.name), ["e"]);
    // v1 -> v2: v1's enum values are all in v2's; int64 may not fit int32.
    const down = plan.pairs.get("g.v1.S->g.v2.S")!;
    assert.deepEqual(down.mapped.map((m) => [m.name, m.conversion.kind]), [["e", "copy"], ["items", "array"]]);
    assert.deepEqual(down.unmapped.map((f) => f.name), ["n"]);
    assert.deepEqual(plan.pairs.get("g.v2.I->g.v1.I")!.mapped.map((m) => m.name), ["x"]);
  });
});
