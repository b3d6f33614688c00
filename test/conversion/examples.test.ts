/**
 * examples/skai.io/v1beta1: each manifest is valid against its v1beta1 kind,
 * and stored as v1alpha1 it is valid there too (what the server checks and
 * stores), coming back unchanged.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import * as skaiConversions from "../../apiserver/src/conversion.js";
import { withConversions } from "../../generated/src/skai.io/conversion.js";
import { resources as alpha } from "../../generated/src/skai.io/v1alpha1/resources.js";
import { resources as v1beta1 } from "../../generated/src/skai.io/v1beta1/resources.js";
import { losslessConversion } from "../../runtime/src/conversion/index.js";
import "../../runtime/src/conversion/types.js";
import { repoRoot } from "../support/generated-server.js";

const dir = path.join(repoRoot, "examples/skai.io/v1beta1");
// v1beta1 as SKAI's server serves it: converting through v1alpha1 with SKAI's conversion functions.
const beta = withConversions(v1beta1, skaiConversions);

describe("examples/skai.io/v1beta1", () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
    it(`${file} is valid in v1beta1 and, converted, in the v1alpha1 storage version`, () => {
      const obj = parse(readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>;
      assert.equal(obj.apiVersion, "skai.io/v1beta1");
      const def = beta.find((d) => d.kind === obj.kind)!;
      assert.deepEqual(def.validate(obj), []);
      const c = def.conversion!;
      const stored = losslessConversion(c.group, c.version, c.storageVersion, c.toStorage, c.fromStorage)(obj);
      assert.deepEqual(alpha.find((d) => d.kind === obj.kind)!.validate(stored), []);
      assert.deepEqual(losslessConversion(c.group, c.storageVersion, c.version, c.fromStorage, c.toStorage)(stored), obj);
    });
  }
});
