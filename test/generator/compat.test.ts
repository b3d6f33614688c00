// skai-gen compat's comparison over fixture pairs: test/fixtures/compat/old is the
// baseline; breaking/ changes it in every breaking way (one change per rule, one
// acknowledged with @breakingChange, one in an alpha version), compatible/ only in
// compatible ways. Each rule is asserted with the place it points at in the new tree.
import assert from "node:assert/strict";
import path from "node:path";
import { before, describe, it } from "node:test";
import { compareApis, type Finding } from "../../generator/src/compat/index.js";
import { unusedAcknowledgements } from "../../generator/src/compat/findings.js";
import { BREAKING_RULES, COMPATIBLE_RULES } from "../../generator/src/model/compat-rules.js";
import { protobufStep } from "../../generator/src/read/protobuf-step.js";
import type { ApiModel } from "../../generator/src/model/types.js";
import { readDefinitions } from "../../generator/src/read/index.js";
import { fileURLToPath } from "node:url";

const REPO_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FIXTURES = "test/fixtures/compat";
const ROOT = { file: `${FIXTURES}/x/definitions`, line: 1, column: 1 };

async function readTree(name: string): Promise<ApiModel> {
  const dir = path.join(REPO_ROOT, FIXTURES, name, "definitions");
  const read = await readDefinitions(dir, { projectRoot: REPO_ROOT });
  const numbered = protobufStep(dir, REPO_ROOT, read.model);
  assert.deepEqual([...read.diagnostics, ...numbered.diagnostics], [], `${name} reads cleanly`);
  return read.model;
}

/** `rule level file:line:col` with the file relative to the tree's definitions folder. */
function brief(f: Finding, tree: string): string {
  const file = f.at.file.replace(`${FIXTURES}/${tree}/definitions/`, "");
  return `${f.rule} ${f.level} ${file}:${f.at.line}:${f.at.column}`;
}

let old: ApiModel;
let breaking: ApiModel;
let compatible: ApiModel;

before(async () => {
  [old, breaking, compatible] = await Promise.all([readTree("old"), readTree("breaking"), readTree("compatible")]);
});

const compare = (now: ApiModel, alphaMayBreak = false) => compareApis(old, now, { alphaMayBreak, root: ROOT });
const find = (findings: Finding[], rule: string, text: string) => {
  const hits = findings.filter((f) => f.rule === rule && f.message.includes(text));
  assert.equal(hits.length, 1, `one ${rule} finding mentioning ${JSON.stringify(text)} in:\n${findings.map((f) => `${f.rule}: ${f.message}`).join("\n")}`);
  return hits[0]!;
};

describe("compat: breaking changes", () => {
  const W = "shop.example.com/v1/widget.ts";
  const cases: [rule: string, text: string, where: string][] = [
    ["removed-kind", "kind Gizmo was removed", "shop.example.com/v1/index.ts:3:4"],
    ["storage-version-unserved", "v1beta1 was the storage version", "shop.example.com/v1/index.ts:3:4"],
    ["removed-subresource", "subresource status", `${W}:4:18`],
    ["scope-changed", "Namespaced to Cluster", `${W}:10:18`],
    ["removed-field", ".spec.legacyName", `${W}:12:18`],
    ["enum-value-removed", '"Blue"', `${W}:13:3`],
    ["type-changed", ".spec.size changed from integer (int32) to string", `${W}:14:3`],
    ["became-required", ".spec.owner", `${W}:15:3`],
    ["list-map-keys-changed", "from name to name,protocol", `${W}:21:3`],
    ["list-type-changed", "from atomic to set", `${W}:23:3`],
    ["default-changed", "from 1 to 2", `${W}:25:3`],
    ["validation-tightened", 'new rule "self == oldSelf"', `${W}:29:3`],
    ["new-required-field", ".spec.sku", `${W}:34:3`],
    ["protobuf-number-changed", "WidgetSpec.weight reuses number 1 of the old field legacyName", `${W}:35:3`],
    ["protobuf-number-changed", "Port.number changed number from 3 to 7", `${W}:41:3`],
    ["removed-field", ".spec.speed", "shop.example.com/v1alpha1/sprocket.ts:6:18"],
  ];
  for (const [rule, text, where] of cases) {
    it(`${rule}: ${text}`, () => {
      const f = find(compare(breaking), rule, text);
      assert.equal(brief(f, "breaking"), `${rule} breaking ${where}`);
      assert.equal(f.hint, BREAKING_RULES[rule as keyof typeof BREAKING_RULES]);
    });
  }

  it("covers every breaking rule", () => {
    const seen = new Set(compare(breaking).map((f) => f.rule));
    const missing = Object.keys(BREAKING_RULES).filter((r) => !seen.has(r as never));
    assert.deepEqual(missing, []);
  });

  it("names the removed thing's old place in the message", () => {
    const f = find(compare(breaking), "removed-field", ".spec.legacyName");
    assert.match(f.message, /it was at test\/fixtures\/compat\/old\/definitions\/shop\.example\.com\/v1\/widget\.ts:17\)/);
    assert.equal(f.subject, "shop.example.com/v1 Widget");
  });

  it("a tightening the server ratchets is listed, not breaking", () => {
    const f = find(compare(breaking), "validation-tightened", "maxLength 64 -> 32");
    assert.equal(brief(f, "breaking"), `validation-tightened ratcheted ${W}:27:3`);
  });

  it("@breakingChange on a field acknowledges it, with the reason", () => {
    const f = find(compare(breaking), "type-changed", ".spec.discount");
    assert.equal(f.level, "acknowledged");
    assert.equal(f.reason, "nothing set it yet");
  });

  it("@breakingChange on a version acknowledges a version-level change; without it the change is breaking", () => {
    const f = find(compare(breaking), "removed-version", "shop.example.com/v1beta1 is no longer served");
    assert.equal(f.level, "acknowledged");
    assert.equal(f.reason, "v1beta1 was never released");
    const unacknowledged = structuredClone(breaking);
    for (const v of unacknowledged.groups[0]!.versions) delete v.breakingChanges;
    assert.equal(find(compare(unacknowledged), "removed-version", "v1beta1").level, "breaking");
  });

  it("an acknowledgement names one rule: another rule at the same place stays breaking", () => {
    const edited = structuredClone(breaking);
    const spec = edited.types["com.example.shop.v1.WidgetSpec"]!;
    spec.fields.find((x) => x.name === "size")!.breakingChanges = [{ rule: "removed-field", reason: "wrong rule", source: ROOT }];
    assert.equal(find(compare(edited), "type-changed", ".spec.size").level, "breaking");
    spec.breakingChanges = [{ rule: "type-changed", reason: "the whole type was reworked", source: ROOT }];
    assert.equal(find(compare(edited), "type-changed", ".spec.size").level, "acknowledged");
  });

  it("alpha versions may break when the configuration allows it, and only alpha versions", () => {
    const strict = compare(breaking);
    const lenient = compare(breaking, true);
    assert.equal(find(strict, "removed-field", ".spec.speed").level, "breaking");
    assert.equal(find(lenient, "removed-field", ".spec.speed").level, "allowed");
    assert.equal(find(lenient, "removed-field", ".spec.legacyName").level, "breaking");
  });

  it("is a pure function: the same models give the same findings, the inputs untouched", () => {
    const before = JSON.stringify([old, breaking]);
    assert.deepEqual(compare(breaking), compare(breaking));
    assert.equal(JSON.stringify([old, breaking]), before);
  });
});

describe("compat: compatible changes", () => {
  it("lists them and finds nothing breaking", () => {
    const findings = compare(compatible);
    assert.deepEqual(
      findings.map((f) => brief(f, "compatible")),
      [
        "kind-added compatible shop.example.com/v1/thing.ts:4:18",
        "subresource-added compatible shop.example.com/v1/widget.ts:16:18",
        "enum-value-added compatible shop.example.com/v1/widget.ts:21:3",
        "validation-tightened ratcheted shop.example.com/v1/widget.ts:33:3",
        "validation-loosened compatible shop.example.com/v1/widget.ts:36:3",
        "field-added compatible shop.example.com/v1/widget.ts:38:3",
        "became-optional compatible shop.example.com/v1/widget.ts:45:3",
        "version-added compatible shop.example.com/v2alpha1/index.ts:1:1",
      ],
    );
    const rules = new Set(findings.map((f) => f.rule));
    assert.deepEqual(
      COMPATIBLE_RULES.filter((r) => !rules.has(r)),
      [],
      "every compatible rule is exercised",
    );
  });

  it("the same API has no changes", () => {
    assert.deepEqual(compare(old), []);
  });
});

describe("compat: reading @breakingChange", () => {
  it("reports a missing reason, a misspelt rule (with the closest name) and a tag on a scalar alias", async () => {
    const r = await readDefinitions(path.join(REPO_ROOT, FIXTURES, "bad-tags/definitions"), { projectRoot: REPO_ROOT });
    const at = (file: string) => file.replace(`${FIXTURES}/bad-tags/definitions/shop.example.com/v1/`, "");
    assert.deepEqual(
      r.diagnostics.map((d) => [`${at(d.file)}:${d.line}`, d.code, d.message, d.hint]),
      [
        ["index.ts:3", "bad-tag-value", "@breakingChange removed-version needs a reason after the rule", "write e.g. @breakingChange removed-field nothing ever set it (see #123)"],
        ["widget.ts:5", "bad-tag-value", '@breakingChange names no breaking rule: "scope-change"', "did you mean scope-changed?"],
        ["widget.ts:9", "misplaced-tag", "@breakingChange is not allowed on an alias of a scalar type", "put it on the field that uses the alias, or on its kind"],
        ["widget.ts:13", "bad-tag-value", '@breakingChange names no breaking rule: "no-such-rule"', `the rules are ${Object.keys(BREAKING_RULES).join(", ")}`],
      ],
    );
  });
});

describe("compat: the storage version", () => {
  it("a previous storage version kept but no longer served is breaking too", () => {
    const now = structuredClone(old);
    const versions = now.groups[0]!.versions;
    const beta = versions.find((v) => v.name === "v1beta1")!;
    beta.served = false;
    beta.storage = false;
    versions.find((v) => v.name === "v1")!.storage = true;
    const f = find(compare(now), "storage-version-unserved", "no longer served");
    assert.equal(f.level, "breaking");
    const served = structuredClone(now);
    served.groups[0]!.versions.find((v) => v.name === "v1beta1")!.served = true;
    assert.deepEqual(compare(served).filter((x) => x.rule === "storage-version-unserved"), []);
  });
});

describe("compat: acknowledgements that acknowledge nothing", () => {
  it("are found, so a tag can go once the baseline has the change", () => {
    assert.deepEqual(unusedAcknowledgements(breaking, compare(breaking)), []);
    const now = structuredClone(old);
    const stale = { rule: "removed-field", reason: "done long ago", source: { file: "x.ts", line: 3, column: 4 } };
    now.types["com.example.shop.v1.WidgetSpec"]!.fields[0]!.breakingChanges = [stale];
    assert.deepEqual(unusedAcknowledgements(now, compare(now)), [stale]);
  });
});
