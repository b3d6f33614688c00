/**
 * Every name in the output comes from the configuration: the fixture APIs
 * unlike SKAI (test/fixtures/apis), generated with their own configurations,
 * carry their own names and none of SKAI's. `skai` appears only as the tool's
 * name (`skai-gen`: the generated header, the managed-by label, the command
 * to run) and its packages (`@skai-gen/...`). An API without log or exec gets
 * no kubectl plugin; one with them gets the configured plugin.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { resolveConfig } from "../../generator/src/config/index.js";
import { pluginUsage, type PluginKind } from "../../client/src/plugin/index.js";
import { pluginEmitter } from "../../generator/src/emit/plugin.js";
import { emitContext } from "../../generator/src/pipeline.js";
import { readDefinitions } from "../../generator/src/read/index.js";
import { FIXTURE_APIS, generateFixture, scratchDir, type FixtureApi } from "../support/fixture-apis.js";
import { repoRoot } from "../support/generated-server.js";

function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as any).path, e.name)));
}

/** Lines mentioning skai other than as part of the tool's name `skai-gen`. */
function skaiMentions(dir: string): string[] {
  const out: string[] = [];
  for (const file of filesUnder(dir)) {
    if (/skai(?!-gen)/i.test(file)) out.push(`${file}: (the path)`);
    readFileSync(path.join(dir, file), "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (/skai(?!-gen)/i.test(line)) out.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  return out;
}

/** The names each fixture's configuration gives (package name only; everything else derived). */
const EXPECTED: Record<FixtureApi, { packageName: string; client: string; bin: string; namespace: string; stateDir: string; etcdPrefix: string }> = {
  minimal: { packageName: "tiny-api", client: "TinyClient", bin: "tiny-apiserver", namespace: "tiny-system", stateDir: ".tiny", etcdPrefix: "/registry/tiny.example.org" },
  shop: { packageName: "@shop/api", client: "ShopClient", bin: "shop-apiserver", namespace: "shop-system", stateDir: ".shop", etcdPrefix: "/registry/shop.example.com" },
  fleet: { packageName: "fleet-api", client: "FleetClient", bin: "fleet-apiserver", namespace: "fleet-system", stateDir: ".fleet", etcdPrefix: "/registry" },
};

describe("generated trees of APIs unlike SKAI", { timeout: 300_000 }, () => {
  const out = new Map<FixtureApi, string>();
  before(async () => {
    for (const name of FIXTURE_APIS) {
      const dir = scratchDir(`names-${name}`);
      out.set(name, dir);
      await generateFixture(name, dir);
    }
  });
  after(() => {
    for (const dir of out.values()) rmSync(dir, { recursive: true, force: true });
  });

  for (const name of FIXTURE_APIS) {
    describe(name, () => {
      const read = (file: string) => readFileSync(path.join(out.get(name)!, file), "utf8");

      it("mentions skai only as the tool and its packages", () => {
        assert.deepEqual(skaiMentions(out.get(name)!), []);
      });

      it("carries the configuration's names", () => {
        const want = EXPECTED[name];
        const pkg = JSON.parse(read("package.json"));
        assert.equal(pkg.name, want.packageName);
        assert.deepEqual(Object.keys(pkg.bin ?? {}), [want.bin]);
        assert.match(read("src/client/index.ts"), new RegExp(`export class ${want.client} extends ClientBase`));
        assert.match(read("src/client/index.ts"), new RegExp(`userAgent: "${want.bin.replace("-apiserver", "-client")}"`));
        const server = read("src/server/index.ts");
        for (const [key, value] of Object.entries({ program: want.bin, stateDir: want.stateDir, etcdPrefix: want.etcdPrefix })) {
          assert.match(server, new RegExp(`${key}: ${JSON.stringify(value).replace(/[.]/g, "\\.")}`), key);
        }
        const sts = read("manifests/statefulset.yaml");
        assert.match(sts, new RegExp(`namespace: "${want.namespace}"`));
        assert.match(sts, new RegExp(`image: "${want.bin}"`));
        assert.match(sts, new RegExp(`/var/lib/${want.bin}`));
        assert.match(read("manifests/kustomization.yaml"), /newTag: "0\.1\.0"/);
      });

      it("has no kubectl plugin: no kind has log or exec", () => {
        assert.deepEqual(filesUnder(out.get(name)!).filter((f) => /plugin|kubectl-/.test(f)), []);
      });
    });
  }
});

describe("the kubectl plugin", () => {
  it("is named by the configuration and emitted for an API with log or exec", { timeout: 60_000 }, async () => {
    const { model } = await readDefinitions(path.join(repoRoot, "definitions"), { projectRoot: repoRoot });
    const ctx = emitContext(resolveConfig({ projectRoot: repoRoot, config: { package: { name: "@acme/ml" }, kubectlPlugin: { name: "ml" } } }, ["skai.io"]));
    const files = await pluginEmitter.emit(model, ctx);
    assert.deepEqual(files.map((f) => f.path), ["src/plugin/kubectl-ml.ts"]);
    assert.match(files[0]!.content, /runKubectlPlugin\(process\.argv\.slice\(2\), \{ name: "ml", kinds: \[/);
    assert.match(files[0]!.content, /"log":true/);
  });

  it("helps with the commands its kinds have, naming them", () => {
    const kind = (name: string, log: boolean, exec: boolean): PluginKind => ({ group: "shop.example.com", version: "v1", kind: name, plural: `${name.toLowerCase()}s`, singular: name.toLowerCase(), shortNames: [], namespaced: true, log, exec });
    const logsOnly = pluginUsage({ name: "shop", kinds: [kind("Job", true, false)] });
    assert.match(logsOnly, /^kubectl shop: the log and exec subresources of jobs/);
    assert.match(logsOnly, /kubectl shop logs TYPE\/NAME .*\(jobs\)/);
    assert.match(logsOnly, /kubectl shop logs job\/my-job -f/);
    assert.doesNotMatch(logsOnly, /kubectl shop exec/);
    const both = pluginUsage({ name: "shop", kinds: [kind("Job", true, false), kind("Box", true, true)] });
    assert.match(both, /logs TYPE\/NAME .*\(jobs, boxs\)/);
    assert.match(both, /exec \[-i\] \[-t\] TYPE\/NAME .*\(boxs\)/);
    assert.match(both, /kubectl shop exec -it box\/my-box -- sh/);
  });
});
