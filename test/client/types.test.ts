// The generated client is exact to the definitions at compile time: a fixture of correct calls
// type-checks, and one of wrong field types, unknown fields, missing required fields and
// undeclared subresources fails with an error on exactly the marked lines.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { generatedDir } from "./helpers/generated.js";
import { expectedErrorLines, typecheckFixture } from "./helpers/typecheck.js";

const fixtures = join(import.meta.dirname, "types");

test("correct uses of the generated client type-check", { timeout: 180_000 }, async () => {
  const errors = await typecheckFixture(join(fixtures, "create-valid.ts.fixture"), await generatedDir());
  assert.deepEqual(errors, []);
});

test("wrong types, unknown and missing fields in create() (and misuse of other verbs) are compile errors at the expected lines", { timeout: 180_000 }, async () => {
  const file = join(fixtures, "create-invalid.ts.fixture");
  const errors = await typecheckFixture(file, await generatedDir());
  const expected = expectedErrorLines(readFileSync(file, "utf8"));
  const got = [...new Set(errors.map((e) => e.line))].sort((a, b) => a - b);
  assert.deepEqual(got, expected, `tsc errors:\n${errors.map((e) => `  ${e.line}: ${e.code} ${e.message}`).join("\n")}`);
  // The three the issue names, by their TypeScript diagnostics.
  const byLine = new Map(errors.map((e) => [e.line, e]));
  assert.equal(byLine.get(expected[0]!)?.code, "TS2322", "wrong field type");
  assert.equal(byLine.get(expected[1]!)?.code, "TS2353", "unknown field");
  assert.equal(byLine.get(expected[2]!)?.code, "TS2741", "missing required field");
});
