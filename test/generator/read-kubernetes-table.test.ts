// The kubernetes-types quirks table must name real upstream fields: a typo
// would silently drop a list merge key or an int64 format.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { KUBERNETES_FIELDS, KUBERNETES_SCALARS, kubernetesFieldFacts } from "../../generator/src/read/kubernetes-table.js";
import { compareVersions, kubernetesPrefix, pluralize, reverseGroup } from "../../generator/src/model/naming.js";

const require = createRequire(import.meta.url);
const source = ["core/v1", "meta/v1"].map((m) => readFileSync(require.resolve(`kubernetes-types/${m}.d.ts`), "utf8")).join("\n");

/** Field names and their TypeScript types, per interface, read from the .d.ts text. */
function interfaces(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const m of text.matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g)) {
    const fields = new Map<string, string>();
    for (const f of m[2].matchAll(/^ {4}(?:readonly )?(\w+)\??: (.+);$/gm)) fields.set(f[1], f[2]);
    out.set(m[1], fields);
  }
  return out;
}
const upstream = interfaces(source);

describe("kubernetes-types table", () => {
  it("names fields that exist upstream", () => {
    for (const key of Object.keys(KUBERNETES_FIELDS)) {
      const [type, field] = key.split(".");
      assert.ok(upstream.get(type)?.has(field), `${key} exists in kubernetes-types`);
    }
  });

  it("marks only lists with a list type, and only number fields as int64", () => {
    for (const [key, facts] of Object.entries(KUBERNETES_FIELDS)) {
      const [type, field] = key.split(".");
      const ts = upstream.get(type)!.get(field)!;
      if (facts.listType) assert.match(ts, /^Array<.+>$/, `${key} is a list`);
      if (facts.int64) assert.match(ts, /^(number|Array<number>)$/, `${key} is a number`);
    }
  });

  it("uses list map keys that are fields of the items", () => {
    for (const [key, facts] of Object.entries(KUBERNETES_FIELDS)) {
      if (!facts.listMapKeys) continue;
      const [type, field] = key.split(".");
      const item = /^Array<(\w+)>$/.exec(upstream.get(type)!.get(field)!)![1];
      for (const k of facts.listMapKeys) assert.ok(upstream.get(item)?.has(k), `${item}.${k} exists for ${key}`);
    }
  });

  it("knows the upstream scalar shapes", () => {
    assert.deepEqual(KUBERNETES_SCALARS.Quantity.type, { kind: "intOrString", quantity: true });
    assert.deepEqual(KUBERNETES_SCALARS.Time.type, { kind: "time", micro: false });
    assert.deepEqual(KUBERNETES_SCALARS.MicroTime.type, { kind: "time", micro: true });
    assert.deepEqual(kubernetesFieldFacts("PodSpec", "containers"), { listType: "map", listMapKeys: ["name"] });
    assert.equal(kubernetesFieldFacts("PodSpec", "nope"), undefined);
  });
});

describe("naming", () => {
  it("names groups, upstream packages, plurals and version order", () => {
    assert.equal(reverseGroup("skai.io"), "io.skai");
    assert.equal(kubernetesPrefix("core/v1"), "io.k8s.api.core.v1");
    assert.equal(kubernetesPrefix("apps/v1"), "io.k8s.api.apps.v1");
    assert.equal(kubernetesPrefix("meta/v1"), "io.k8s.apimachinery.pkg.apis.meta.v1");
    assert.deepEqual(["policy", "box", "batch", "mesh", "gateway", "notebook", "status"].map(pluralize), [
      "policies", "boxes", "batches", "meshes", "gateways", "notebooks", "statuses",
    ]);
    assert.deepEqual(["v1alpha1", "v2", "v1beta1", "v1", "v1beta2", "v10"].sort(compareVersions), ["v10", "v2", "v1", "v1beta2", "v1beta1", "v1alpha1"]);
  });
});
