// One small definitions tree per diagnostic under test/fixtures/bad/<case>;
// each must report its code, message and exact file:line:col.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { checkModel } from "../../generator/src/check/index.js";
import { formatDiagnostic, type Diagnostic } from "../../generator/src/model/diagnostic.js";
import type { ApiModel } from "../../generator/src/model/types.js";
import { readDefinitions } from "../../generator/src/read/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const fixtures = join(root, "test/fixtures/bad");

async function diagnose(name: string): Promise<Diagnostic[]> {
  const { model, diagnostics } = await readDefinitions(join(fixtures, name), { projectRoot: root });
  return [...diagnostics, ...checkModel(model, { projectRoot: root })];
}

const at = (d: Diagnostic) => `${d.file.replace("test/fixtures/bad/", "")}:${d.line}:${d.column}`;

interface Case {
  name: string;
  code: string;
  /** `<case>/skai.io/<version>/<file>:line:col`, relative to test/fixtures/bad. */
  where: string;
  message: RegExp;
  hint?: RegExp;
}

const cases: Case[] = [
  { name: "function-type", code: "unsupported-type", where: "function-type/skai.io/v1/widget.ts:7:13", message: /^function types are not supported$/ },
  { name: "class-type", code: "unsupported-type", where: "class-type/skai.io/v1/widget.ts:7:10", message: /^class `Owner` is not supported$/, hint: /interface/ },
  { name: "generic-type", code: "unsupported-type", where: "generic-type/skai.io/v1/widget.ts:7:8", message: /^generic type `Box<\.\.\.>` is not supported$/ },
  { name: "mapped-type", code: "unsupported-type", where: "mapped-type/skai.io/v1/widget.ts:7:11", message: /^mapped types are not supported$/, hint: /Record<string, T>/ },
  { name: "any-type", code: "unsupported-type", where: "any-type/skai.io/v1/widget.ts:7:9", message: /^`any` is not supported$/, hint: /@preserveUnknownFields/ },
  { name: "number-union", code: "unsupported-type", where: "number-union/skai.io/v1/widget.ts:7:9", message: /^unions of numbers are not supported$/ },
  { name: "object-union", code: "object-union", where: "object-union/skai.io/v1/widget.ts:15:22", message: /needs a discriminator field or @exactlyOneOf/ },
  { name: "unknown-tag", code: "unknown-tag", where: "unknown-tag/skai.io/v1/widget.ts:7:7", message: /^unknown tag @minimun$/, hint: /^did you mean @minimum\?$/ },
  { name: "bad-number", code: "bad-tag-value", where: "bad-number/skai.io/v1/widget.ts:7:16", message: /^@minimum needs a number, got "zero"$/ },
  { name: "bad-pattern", code: "bad-tag-value", where: "bad-pattern/skai.io/v1/widget.ts:7:16", message: /^@pattern is not a valid regular expression: .*Unterminated character class/ },
  { name: "bad-default-json", code: "bad-tag-value", where: "bad-default-json/skai.io/v1/widget.ts:7:16", message: /^@default needs a JSON value, got "\{size: 1\}"$/ },
  { name: "bad-list-type", code: "bad-tag-value", where: "bad-list-type/skai.io/v1/widget.ts:7:17", message: /^@listType must be one of atomic, set, map, got "bag"$/ },
  { name: "bad-scope", code: "bad-tag-value", where: "bad-scope/skai.io/v1/widget.ts:5:11", message: /^@scope must be one of Namespaced, Cluster, got "Global"$/ },
  { name: "invalid-cel", code: "invalid-cel", where: "invalid-cel/skai.io/v1/widget.ts:5:24", message: /^@rule is not valid CEL: / },
  { name: "cel-unknown-variable", code: "invalid-cel", where: "cel-unknown-variable/skai.io/v1/widget.ts:6:23", message: /^@rule is not valid CEL: unknown variable slef$/, hint: /^did you mean self\?$/ },
  { name: "default-violates-schema", code: "default-violates-schema", where: "default-violates-schema/skai.io/v1/widget.ts:12:3", message: /^@default 8 of WidgetSpec\.size violates its own schema: 8 is greater than the maximum 4$/ },
  { name: "kind-without-spec", code: "kind-without-spec", where: "kind-without-spec/skai.io/v1/widget.ts:5:33", message: /^kind Widget has no spec type$/ },
  { name: "duplicate-plural", code: "duplicate-plural", where: "duplicate-plural/skai.io/v1/widget.ts:4:18", message: /^kinds Gadget and Widget in skai\.io share the plural widgets$/ },
  { name: "duplicate-short-name", code: "duplicate-short-name", where: "duplicate-short-name/skai.io/v1/widget.ts:7:18", message: /^short name w of Widget is already used by Gadget in skai\.io$/ },
  { name: "two-storage-versions", code: "storage-version", where: "two-storage-versions/skai.io/v1/index.ts:3:4", message: /^group skai\.io has more than one storage version \(v2, v1\)$/ },
  { name: "no-storage-version", code: "storage-version", where: "no-storage-version/skai.io/v2/widget.ts:1:1", message: /^group skai\.io has no storage version$/ },
  { name: "versions-disagree", code: "storage-version", where: "versions-disagree/skai.io/v1/index.ts:3:4", message: /^the storage version skai\.io\/v1 is not served$/ },
  { name: "versions-disagree", code: "inconsistent-kind", where: "versions-disagree/skai.io/v1/widget.ts:4:18", message: /^kind Widget in skai\.io\/v1 has a different scope than in v2$/ },
  { name: "versions-disagree", code: "kind-missing-in-storage-version", where: "versions-disagree/skai.io/v2/widget.ts:10:18", message: /^kind Gadget of skai\.io\/v2 is missing from the storage version v1$/ },
  { name: "bad-list-map-key", code: "bad-list-map-key", where: "bad-list-map-key/skai.io/v1/widget.ts:11:3", message: /^@listMapKey nme: Port has no field nme$/, hint: /name, protocol/ },
  { name: "bad-list-map-key", code: "bad-list-map-key", where: "bad-list-map-key/skai.io/v1/widget.ts:16:3", message: /^@listMapKey protocol: Port\.protocol is optional and has no default$/ },
  { name: "list-map-of-scalars", code: "bad-list-type", where: "list-map-of-scalars/skai.io/v1/widget.ts:11:3", message: /^@listType map on WidgetSpec\.names, a list of string values$/ },
  { name: "bad-print-column", code: "bad-json-path", where: "bad-print-column/skai.io/v1/widget.ts:5:4", message: /^@printColumn Size: jsonPath \.spec\.sise does not exist/ },
  { name: "constraint-mismatch", code: "constraint-mismatch", where: "constraint-mismatch/skai.io/v1/widget.ts:8:3", message: /^@minLength on WidgetSpec\.size, which is an int32 integer$/ },
  { name: "constraint-mismatch", code: "constraint-mismatch", where: "constraint-mismatch/skai.io/v1/widget.ts:10:3", message: /^@minimum 5 is greater than @maximum 2 on WidgetSpec\.count$/ },
  { name: "bad-union-field", code: "bad-union-field", where: "bad-union-field/skai.io/v1/widget.ts:11:18", message: /^@exactlyOneOf names path, which is not a field of Where$/ },
  { name: "bad-union-field", code: "bad-union-field", where: "bad-union-field/skai.io/v1/widget.ts:12:3", message: /^@exactlyOneOf on Where names the required field bucket$/ },
  { name: "unknown-without-preserve", code: "unknown-without-preserve", where: "unknown-without-preserve/skai.io/v1/widget.ts:7:3", message: /^field data has type unknown but no @preserveUnknownFields$/ },
  { name: "syntax-error", code: "syntax-error", where: "syntax-error/skai.io/v1/widget.ts:8:9", message: /^Type expected\.$/ },
  { name: "misplaced-tag", code: "misplaced-tag", where: "misplaced-tag/skai.io/v1/widget.ts:7:7", message: /^@shortName is not allowed on a field$/, hint: /belongs on a kind/ },
  { name: "bad-scale-path", code: "bad-scale-path", where: "bad-scale-path/skai.io/v1/widget.ts:5:4", message: /^specReplicasPath \.spec\.replicas is string, not int32$/ },
];

describe("diagnostics", () => {
  for (const c of cases) {
    it(`${c.name}: ${c.code} at ${c.where}`, async () => {
      const all = await diagnose(c.name);
      const found = all.find((d) => d.code === c.code && at(d) === c.where);
      assert.ok(found, `expected ${c.code} at ${c.where}, got:\n${all.map(formatDiagnostic).join("\n")}`);
      assert.match(found.message, c.message);
      if (c.hint) assert.match(found.hint, c.hint);
      assert.notEqual(found.snippet, "", "carries the source line");
    });
  }

  it("each single-mistake fixture reports only its own mistakes", async () => {
    for (const name of new Set(cases.map((c) => c.name))) {
      const all = await diagnose(name);
      const expected = cases.filter((c) => c.name === name).length;
      assert.equal(all.length, expected, `${name}:\n${all.map(formatDiagnostic).join("\n")}`);
    }
  });

  it("reports every mistake of a tree in one run", async () => {
    const all = await diagnose("several-mistakes");
    assert.deepEqual(
      all.map((d) => `${d.code} ${at(d)}`).sort(),
      [
        "bad-json-path several-mistakes/skai.io/v1/widget.ts:6:4",
        "bad-tag-value several-mistakes/skai.io/v1/widget.ts:5:11",
        "default-violates-schema several-mistakes/skai.io/v1/widget.ts:14:3",
        "invalid-cel several-mistakes/skai.io/v1/widget.ts:16:25",
        "unknown-tag several-mistakes/skai.io/v1/widget.ts:11:7",
        "unsupported-type several-mistakes/skai.io/v1/widget.ts:15:13",
      ],
    );
  });

  it("formats file:line:col, the source line, a caret under the column and the hint", async () => {
    const [d] = await diagnose("unknown-tag");
    assert.equal(
      formatDiagnostic(d),
      [
        "test/fixtures/bad/unknown-tag/skai.io/v1/widget.ts:7:7: error: unknown tag @minimun",
        "  /** @minimun 0 */",
        "      ^",
        "  hint: did you mean @minimum?",
      ].join("\n"),
    );
  });
});

describe("checkModel on a hand-built model", () => {
  const src = (line: number) => ({ file: "nowhere.ts", line, column: 1 });
  const model = (): ApiModel => ({
    groups: [
      {
        name: "skai.io",
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            description: "",
            source: src(1),
            kinds: [
              {
                name: "Widget",
                listKind: "WidgetList",
                plural: "widgets",
                singular: "widget",
                scope: "Namespaced",
                shortNames: [],
                categories: [],
                description: "",
                spec: "io.skai.v1.WidgetSpec",
                subresources: { status: false, log: false, exec: false, custom: [] },
                printColumns: [],
                selectableFields: [],
                rules: [],
                source: src(2),
              },
            ],
          },
        ],
      },
    ],
    types: {
      "io.skai.v1.WidgetSpec": {
        id: "io.skai.v1.WidgetSpec",
        name: "WidgetSpec",
        origin: "definitions",
        description: "",
        constraints: {},
        source: src(3),
        fields: [
          { name: "size", description: "", required: false, type: { kind: "intOrString", quantity: true }, constraints: { default: "lots" }, source: src(4) },
          { name: "mode", description: "", required: false, type: { kind: "enum", values: ["A", "B"] }, constraints: { default: "C" }, source: src(5) },
          { name: "tags", description: "", required: false, type: { kind: "array", items: { kind: "string" } }, constraints: { listType: "set", default: ["a", "a"] }, source: src(6) },
          { name: "inner", description: "", required: false, type: { kind: "object", ref: "io.skai.v1.Inner" }, constraints: { default: {} }, source: src(7) },
        ],
      },
      "io.skai.v1.Inner": {
        id: "io.skai.v1.Inner",
        name: "Inner",
        origin: "definitions",
        description: "",
        constraints: {},
        source: src(8),
        fields: [{ name: "name", description: "", required: true, type: { kind: "string" }, constraints: {}, source: src(9) }],
      },
    },
  });

  it("checks defaults of every shape against the schema", () => {
    const ds = checkModel(model()).map((d) => `${d.line} ${d.code} ${d.message}`);
    assert.deepEqual(ds, [
      '4 default-violates-schema @default "lots" of WidgetSpec.size violates its own schema: "lots" is not a Kubernetes quantity (e.g. "500m", "4Gi")',
      '5 default-violates-schema @default "C" of WidgetSpec.mode violates its own schema: "C" is not one of "A", "B"',
      '6 default-violates-schema @default ["a","a"] of WidgetSpec.tags violates its own schema: the list has duplicate items',
      "7 default-violates-schema @default {} of WidgetSpec.inner violates its own schema: required field name of Inner is missing",
    ]);
  });

  it("checks selectable fields and scale paths", () => {
    const m = model();
    const k = m.groups[0].versions[0].kinds[0];
    k.selectableFields = [".spec.inner", ".spec.nope"];
    k.subresources.scale = { specReplicasPath: ".status.replicas", statusReplicasPath: ".status.replicas" };
    const ds = checkModel(m).filter((d) => d.code !== "default-violates-schema").map((d) => d.message);
    assert.deepEqual(ds, [
      "@selectableField .spec.inner is an object",
      "@selectableField .spec.nope does not exist: .spec (WidgetSpec) has no field nope",
      "specReplicasPath .status.replicas must be under .spec",
      "statusReplicasPath .status.replicas does not exist: Widget has no status",
    ]);
  });
});
