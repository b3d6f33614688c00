/**
 * docs/configuration.md against the configuration's schema and resolver: its
 * table documents exactly the settings of generator/config.schema.json, with
 * their types, and its worked example of defaults is what resolveConfig gives.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { resolveConfig } from "../../generator/src/config/resolve.js";
import type { ResolvedConfig, ProjectConfig } from "../../generator/src/config/types.js";
import { codeBlocks, readDoc, REPO_ROOT } from "./markdown.js";

const PAGE = "docs/configuration.md";
const text = readDoc(PAGE);

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
}

/** Leaf settings of the schema as dotted paths, with their JSON types. */
function schemaSettings(node: SchemaNode, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (key === "$schema") continue;
    const name = prefix ? `${prefix}.${key}` : key;
    if (child.properties) for (const [k, v] of schemaSettings(child, name)) out.set(k, v);
    else out.set(name, child.type ?? "");
  }
  return out;
}

/** Rows of the settings table: `| \`name\` | type | default | meaning |`. */
function documentedSettings(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\| `([A-Za-z.]+)` \| (\w+) \|/.exec(line);
    if (m) rows.set(m[1], m[2]);
  }
  return rows;
}

/** The configuration a resolved one is equivalent to, spelled out (what the page shows). */
function spelledOut(r: ResolvedConfig): ProjectConfig {
  const rel = (p: string) => path.relative(r.projectRoot, p);
  return {
    definitions: rel(r.definitionsDir),
    out: rel(r.outDir),
    package: { name: r.packageName, version: r.packageVersion, private: r.packagePrivate },
    client: { className: r.clientClass, userAgent: r.clientUserAgent },
    server: {
      bin: r.serverBin,
      ...(r.serverMain ? { main: rel(r.serverMain) } : {}),
      stateDir: r.stateDir,
      etcdPrefix: r.etcdPrefix,
      kubeconfigContext: r.kubeconfigContext,
    },
    kubectlPlugin: { name: r.kubectlPlugin },
    deployment: { namespace: r.namespace, image: r.image },
  };
}

describe("docs/configuration.md", () => {
  const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, "generator/config.schema.json"), "utf8")) as SchemaNode;

  it("documents every setting of the schema, with its type, and no other", () => {
    const expected = schemaSettings(schema);
    const documented = documentedSettings();
    assert.deepEqual([...documented.keys()].sort(), [...expected.keys()].sort());
    for (const [name, type] of documented) assert.equal(type, expected.get(name), `type of ${name}`);
  });

  it("works out the defaults as resolveConfig does", () => {
    const start = text.indexOf("## Defaults, worked out");
    assert.ok(start >= 0);
    const json = codeBlocks(PAGE, text).filter((b) => b.lang === "json" && b.section === "Defaults, worked out");
    assert.equal(json.length, 2, "a configuration and what it spells out");
    const given = JSON.parse(json[0].content) as ProjectConfig;
    const shown = JSON.parse(json[1].content) as ProjectConfig;
    const group = /the group `([^`]+)`/.exec(text.slice(start))?.[1];
    assert.ok(group, "the example names its group");
    const resolved = resolveConfig({ projectRoot: "/project", config: given }, [group]);
    assert.deepEqual(shown, spelledOut(resolved));
  });

  it("shows configuration files that the schema's shape accepts", () => {
    const settings = schemaSettings(schema);
    for (const b of codeBlocks(PAGE, text).filter((x) => x.lang === "json")) {
      const value = JSON.parse(b.content) as Record<string, unknown>;
      const config = (value["skai-gen"] ?? (value.name ? undefined : value)) as Record<string, unknown> | undefined;
      if (!config) continue;
      for (const [key, v] of Object.entries(config)) {
        if (key === "$schema") continue;
        const leaves = v && typeof v === "object" ? Object.keys(v).map((k) => `${key}.${k}`) : [key];
        for (const leaf of leaves) assert.ok(settings.has(leaf), `${PAGE}:${b.line}: ${leaf} is not a setting`);
      }
    }
  });
});
