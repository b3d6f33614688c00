// The docs page for the hand-built model (openapi-fixture.ts): union notes, named and
// inline enums, int-or-string, free-form values, a deprecated version, a kind without status.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { docsEmitter, docsPageView, renderDocsPage } from "../../generator/src/emit/docs.js";
import { resolveConfig } from "../../generator/src/config/index.js";
import { emitContext } from "../../generator/src/pipeline.js";
import { loadTemplates } from "../../generator/src/templates.js";
import { smallModel } from "./openapi-fixture.js";

const model = smallModel();
model.groups[0].versions[0].deprecated = "example.com/v1 is deprecated; use v2";
const page = renderDocsPage(docsPageView(model, "example.com", model.groups[0].versions[0]), loadTemplates());
const line = (field: string) => page.split("\n").find((l) => l.startsWith(`| \`${field}\``)) ?? "";

describe("docs page of a hand-built model", () => {
  it("writes one page per version, served or not", async () => {
    const files = await docsEmitter.emit(model, emitContext(resolveConfig({ projectRoot: process.cwd(), config: {} }, ["example.com"])));
    assert.deepEqual(files.map((f) => f.path), ["docs/example.com/v1.md", "docs/example.com/v1beta1.md"]);
    assert.ok(files.every((f) => f.language === "markdown"));
  });

  it("shows the deprecation, the kind without status and its rules", () => {
    assert.match(page, /> \*\*Deprecated:\*\* example\.com\/v1 is deprecated; use v2/);
    assert.match(page, /\| Scope \| Cluster \|/);
    assert.doesNotMatch(line("status"), /./);
    assert.match(page, /- `self\.metadata\.name\.size\(\) < 20`: short names/);
    assert.match(page, /\| Field selectors \| `metadata\.name` \|/);
  });

  it("describes values and type-level unions", () => {
    assert.match(line("size"), /IntOrString \(integer or string\) \| yes \| Size as a number or a name\./);
    assert.match(line("memory"), /\[Quantity\]\(https:/);
    assert.match(line("note"), /\*\*Deprecated\.\*\*<br>May be null\./);
    assert.match(line("config"), /any \(unknown fields preserved\)/);
    assert.match(line("modes"), /\[\]string \(enum\).*List of unique values\.<br>Items one of: `Fast`, `Slow`\./);
    assert.match(line("protocol"), /\[Protocol\]\(#protocol\) \| yes \| One of: `TCP`, `UDP`\.<br>Default: `"TCP"`\./);
    assert.match(line("ratio"), /Minimum \(exclusive\): 0\.<br>Maximum: 1\./);
    assert.match(line("weights"), /map\[string\]integer \(int64\).*Replaced as a whole on patch\.<br>Values: Minimum: 0\./);
    assert.match(page, /### Tls\n\n- Exactly one of `secret`, `acme` must be set\./);
    assert.match(page, /### Protocol\n\nUsed by \[Port\]\(#port\)\./);
    assert.match(page, /### Embedded\n\nNo fields\./);
  });
});
