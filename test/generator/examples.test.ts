/**
 * Every example manifest under examples/skai.io/v1alpha1 (one per kind, named
 * after the lower-case kind) is valid against the generated validators, with
 * no unknown fields, after defaulting.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { load } from "js-yaml";
import { findUnknownFields } from "../../runtime/src/validation/index.js";
import { REPO_ROOT } from "../fixtures/samples/generated.js";
import { loadSkaiValidators, SKAI_KINDS, type SkaiValidators } from "../fixtures/samples/skai.js";

let skai: SkaiValidators;
before(async () => {
  skai = await loadSkaiValidators();
});
after(() => skai?.scratch.remove());

describe("examples/skai.io/v1alpha1", () => {
  for (const kind of SKAI_KINDS) {
    it(`${kind.toLowerCase()}.yaml is a valid ${kind}`, () => {
      const file = path.join(REPO_ROOT, "examples/skai.io/v1alpha1", `${kind.toLowerCase()}.yaml`);
      const obj = load(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
      assert.equal(obj.apiVersion, "skai.io/v1alpha1");
      assert.equal(obj.kind, kind);
      const v = skai.validations[kind]!;
      assert.deepEqual(findUnknownFields(obj, v.schema), []);
      v.applyDefaults(obj);
      assert.deepEqual(v.validate(obj), []);
    });
  }

  it("has one example per kind and nothing else", () => {
    const files = fs.readdirSync(path.join(REPO_ROOT, "examples/skai.io/v1alpha1")).sort();
    assert.deepEqual(files, SKAI_KINDS.map((k) => `${k.toLowerCase()}.yaml`).sort());
  });
});
