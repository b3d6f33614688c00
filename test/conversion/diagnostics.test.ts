/**
 * The unmapped-field diagnostic: every field of a served version with no
 * field of the same name and a compatible type in the storage version (and
 * back) is reported at its file:line:col, naming the user function to write,
 * unless definitions/<group>/conversion.ts exports that function.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { checkModel } from "../../generator/src/check/index.js";
import { formatDiagnostic, type Diagnostic } from "../../generator/src/check/diagnostic.js";
import { readDefinitions } from "../../generator/src/read/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

async function diagnose(name: string): Promise<Diagnostic[]> {
  const { model, diagnostics } = await readDefinitions(join(root, "test/fixtures/bad", name), { projectRoot: root });
  return [...diagnostics, ...checkModel(model, { projectRoot: root })];
}

const where = (d: Diagnostic) => `${d.file.replace("test/fixtures/bad/", "")}:${d.line}:${d.column}`;

describe("conversion diagnostics", () => {
  it("names each unmapped field, in both directions, at the field", async () => {
    const all = await diagnose("unmapped-field");
    assert.deepEqual(
      all.map((d) => `${d.code} ${where(d)}`),
      [
        "unmapped-field unmapped-field/skai.io/v1/widget.ts:7:3",
        "unmapped-field unmapped-field/skai.io/v1/widget.ts:8:3",
        "unmapped-field unmapped-field/skai.io/v2/widget.ts:7:3",
        "unmapped-field unmapped-field/skai.io/v2/widget.ts:8:3",
      ],
      all.map(formatDiagnostic).join("\n"),
    );
    assert.equal(all[2].message, "field spec.replicas of skai.io/v2 WidgetSpec has no field of the same name and a compatible type in v1 WidgetSpec");
    assert.match(all[2].hint, /^export function Convert_v2_WidgetSpec_To_v1_WidgetSpec\(src, dst\) from definitions\/skai\.io\/conversion\.ts/);
    assert.match(all[1].message, /^field spec\.color of skai\.io\/v1 WidgetSpec .* in v2 WidgetSpec$/);
    assert.match(formatDiagnostic(all[2]), /^test\/fixtures\/bad\/unmapped-field\/skai\.io\/v2\/widget\.ts:7:3: error: field spec\.replicas/);
  });

  it("a user function in conversion.ts covers its type pair and direction only", async () => {
    const all = await diagnose("unmapped-field-covered");
    assert.deepEqual(
      all.map((d) => `${d.code} ${where(d)}`),
      ["unmapped-field unmapped-field-covered/skai.io/v1/widget.ts:7:3", "unmapped-field unmapped-field-covered/skai.io/v1/widget.ts:8:3"],
    );
    assert.match(all[0].hint, /Convert_v1_WidgetSpec_To_v2_WidgetSpec\(src, dst\) from test\/fixtures\/bad\/unmapped-field-covered\/skai\.io\/conversion\.ts/);
  });
});
