/**
 * The unmapped-field diagnostic: without a project server main, every field of
 * a served version with no field of the same name and a compatible type in the
 * storage version (and back) is reported at its file:line:col, naming the
 * function to write and where it goes. With a main, the generated
 * ServerExtensions type requires the functions instead (the TypeScript build
 * checks them). A conversion.ts left in definitions/ is reported, not read.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { checkModel } from "../../generator/src/check/index.js";
import { formatDiagnostic, type Diagnostic } from "../../generator/src/model/diagnostic.js";
import { readDefinitions } from "../../generator/src/read/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

async function diagnose(name: string, serverMain?: string): Promise<Diagnostic[]> {
  const { model, diagnostics } = await readDefinitions(join(root, "test/fixtures/bad", name), { projectRoot: root });
  return [...diagnostics, ...checkModel(model, { projectRoot: root, serverMain })];
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
    assert.equal(
      all[2].hint,
      'write Convert_v2_WidgetSpec_To_v1_WidgetSpec(src, dst) to convert it (the fields that map by name are already copied into dst), set "server": { "main": "<your main.ts>" } in the configuration and, there, pass it to serve() in conversions["skai.io"] (docs/extensions.md)',
    );
    assert.match(all[1].message, /^field spec\.color of skai\.io\/v1 WidgetSpec .* in v2 WidgetSpec$/);
    assert.match(formatDiagnostic(all[2]), /^test\/fixtures\/bad\/unmapped-field\/skai\.io\/v2\/widget\.ts:7:3: error: field spec\.replicas/);
  });

  it("with a server main, the generated ServerExtensions type asks for the functions instead", async () => {
    assert.deepEqual(await diagnose("unmapped-field", "server/main.ts"), []);
  });

  it("a conversion.ts left in definitions/ is reported where it is, and not read", async () => {
    const all = await diagnose("conversion-in-definitions", "server/main.ts");
    assert.deepEqual(all.map((d) => `${d.code} ${where(d)}`), ["extension-in-definitions conversion-in-definitions/skai.io/conversion.ts:1:1"]);
    assert.equal(all[0].message, "conversion functions are not read from the definitions folder");
    assert.match(all[0].hint, /pass its exports to serve\(\) as conversions\["skai\.io"\]/);
  });
});
