/**
 * Round-trip property over random objects of every kind, through the
 * generated conversions wrapped as the server wraps them (lossless through
 * the `<group>/<version>-fields` annotation): v1alpha1 -> v1beta1 -> v1alpha1
 * and v1beta1 -> v1alpha1 -> v1beta1 give back the object, for many seeds.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as skaiConversions from "../../apiserver/src/conversion.js";
import { withConversions } from "../../generated/src/skai.io/conversion.js";
import { resources as v1beta1 } from "../../generated/src/skai.io/v1beta1/resources.js";
import { resources as v1alpha1 } from "../../generated/src/skai.io/v1alpha1/resources.js";
import { losslessConversion } from "../../runtime/src/conversion/index.js";
import "../../runtime/src/conversion/types.js";
import { prng, randomObject } from "./random-objects.js";

const SEEDS = 300;
// As SKAI's server serves them: the project's conversion functions passed in, the storage version unchanged.
const [beta, alpha] = [withConversions(v1beta1, skaiConversions), withConversions(v1alpha1, skaiConversions)];

describe("conversion round trip (random objects)", () => {
  it("serves every v1beta1 kind with a conversion to the v1alpha1 storage version", () => {
    assert.deepEqual(beta.map((d) => [d.kind, d.conversion?.storageVersion]), alpha.map((d) => [d.kind, "v1alpha1"]));
    assert.ok(alpha.every((d) => d.conversion === undefined && d.deprecationWarning === `skai.io/v1alpha1 ${d.kind} is deprecated; use skai.io/v1beta1 ${d.kind}`));
  });

  for (const def of beta) {
    const c = def.conversion!;
    const up = losslessConversion(c.group, c.version, c.storageVersion, c.toStorage, c.fromStorage);
    const down = losslessConversion(c.group, c.storageVersion, c.version, c.fromStorage, c.toStorage);
    const alphaDef = alpha.find((d) => d.kind === def.kind)!;

    it(`${def.kind}: v1alpha1 -> v1beta1 -> v1alpha1 is the identity (${SEEDS} seeds)`, () => {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const obj = randomObject(alphaDef.schema, "skai.io/v1alpha1", def.kind, prng(seed));
        const there = down(structuredClone(obj));
        assert.equal(there.apiVersion, "skai.io/v1beta1");
        assert.deepEqual(up(there), obj, `seed ${seed}`);
      }
    });

    it(`${def.kind}: v1beta1 -> v1alpha1 -> v1beta1 is the identity (${SEEDS} seeds)`, () => {
      let kept = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        const obj = randomObject(def.schema, "skai.io/v1beta1", def.kind, prng(seed * 7919));
        const stored = up(structuredClone(obj));
        assert.equal(stored.apiVersion, "skai.io/v1alpha1");
        if ((stored.metadata as { annotations: Record<string, string> }).annotations["skai.io/v1beta1-fields"]) kept++;
        assert.deepEqual(down(stored), obj, `seed ${seed}`);
      }
      // Only Notebook has a v1beta1 field with no home in v1alpha1 (spec.template.imagePullPolicy).
      if (def.kind === "Notebook") assert.ok(kept > SEEDS / 4, `${kept} objects used the annotation`);
      else assert.equal(kept, 0);
    });
  }

  it("a v1alpha1 Notebook maps to spec.template in v1beta1 without an annotation", () => {
    const c = beta.find((d) => d.kind === "Notebook")!.conversion!;
    const down = losslessConversion(c.group, c.storageVersion, c.version, c.fromStorage, c.toStorage);
    const out = down({ apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "a" }, spec: { image: "i", resources: { gpus: 1 }, suspend: true } });
    assert.deepEqual(out, { apiVersion: "skai.io/v1beta1", kind: "Notebook", metadata: { name: "a" }, spec: { template: { image: "i", resources: { gpus: 1 } }, suspend: true } });
  });
});
