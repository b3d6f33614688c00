/**
 * The project configuration: where it is found (skai-gen.config.json, the
 * package.json field, --config), how mistakes are reported (one line naming
 * the file, never a stack), how the defaults derive from the package name and
 * the groups, and generator/config.schema.json in step with ProjectConfig.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Ajv } from "ajv";
import { Project, type Type } from "ts-morph";
import { ConfigError, loadConfig, outputNames, resolveConfig, type ProjectConfig } from "../../generator/src/config/index.js";
import { FIXTURE_APIS, fixtureRoot } from "../support/fixture-apis.js";
import { repoRoot } from "../support/generated-server.js";

const SCHEMA_FILE = path.join(repoRoot, "generator/config.schema.json");
const TYPES_FILE = path.join(repoRoot, "generator/src/config/types.ts");
const cli = path.join(repoRoot, "generator/bin/skai-gen.js");

const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A temp project with the given files (JSON values are written as JSON). */
function project(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "skai-gen-config-"));
  temps.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  }
  return dir;
}

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `a ConfigError, not ${(err as Error).stack}`);
    assert.doesNotMatch(err.message, /\n/, "one line");
    return err.message;
  }
  assert.fail("no error");
}

describe("finding the configuration", () => {
  it("reads skai-gen.config.json, from the project root or any folder under it", () => {
    const dir = project({ "skai-gen.config.json": { package: { name: "@shop/api" } }, "definitions/.keep": "" });
    for (const cwd of [dir, path.join(dir, "definitions")]) {
      const loaded = loadConfig(cwd);
      assert.equal(loaded.projectRoot, dir);
      assert.equal(loaded.source, path.join(dir, "skai-gen.config.json"));
      assert.deepEqual(loaded.config, { package: { name: "@shop/api" } });
    }
  });

  it("reads the \"skai-gen\" field of package.json", () => {
    const dir = project({ "package.json": { name: "shop", "skai-gen": { server: { bin: "shopd" } } } });
    const loaded = loadConfig(dir);
    assert.equal(loaded.source, path.join(dir, "package.json"));
    assert.deepEqual(loaded.config, { server: { bin: "shopd" } });
  });

  it("refuses both at once, naming them", () => {
    const dir = project({ "package.json": { name: "shop", "skai-gen": {} }, "skai-gen.config.json": {} });
    assert.match(configError(() => loadConfig(dir)), /package\.json has a "skai-gen" field and skai-gen\.config\.json is beside it: keep one/);
  });

  it("without any: the defaults, rooted at the working folder", () => {
    const dir = project({ "package.json": { name: "plain" } });
    // The search goes up to /; a temp folder has no configuration above it.
    assert.deepEqual(loadConfig(dir), { projectRoot: dir, config: {} });
  });

  it("--config names the file: a configuration file or a package.json", () => {
    const dir = project({ "conf/shop.json": { package: { name: "@shop/api" } }, "pkg/package.json": { "skai-gen": { out: "out" } }, "other/package.json": { name: "x" } });
    const fromFile = loadConfig(tmpdir(), path.join(dir, "conf/shop.json"));
    assert.deepEqual(fromFile, { projectRoot: path.join(dir, "conf"), source: path.join(dir, "conf/shop.json"), config: { package: { name: "@shop/api" } } });
    assert.deepEqual(loadConfig(dir, "pkg/package.json").config, { out: "out" });
    assert.match(configError(() => loadConfig(dir, "missing.json")), /no configuration file at missing\.json/);
    assert.match(configError(() => loadConfig(dir, "other/package.json")), /package\.json has no "skai-gen" field/);
  });

  it("reports unknown keys, wrong types and broken JSON in one line naming the file", () => {
    const at = (config: unknown) => project({ "skai-gen.config.json": config });
    let dir = at({ pakage: { name: "x" } });
    assert.match(configError(() => loadConfig(dir)), /skai-gen\.config\.json: pakage: unknown setting \(known: definitions, out, package, client, [^)]*\)$/);
    dir = at({ client: { class: "X" } });
    assert.match(configError(() => loadConfig(dir)), /client\.class: unknown setting \(known: className, userAgent\)/);
    dir = at({ package: { private: "no" } });
    assert.match(configError(() => loadConfig(dir)), /package\.private: must be a non-empty boolean|package\.private: must be a boolean/);
    dir = at({ server: { bin: "" } });
    assert.match(configError(() => loadConfig(dir)), /server\.bin: must be a non-empty string/);
    dir = at({ out: 3 });
    assert.match(configError(() => loadConfig(dir)), /out: must be a string/);
    dir = at([]);
    assert.match(configError(() => loadConfig(dir)), /must be an object/);
    dir = project({ "skai-gen.config.json": "{ package: " });
    assert.match(configError(() => loadConfig(dir)), /skai-gen\.config\.json: .*JSON/);
  });

  it("the command line prints a configuration mistake as one line and exits 1, without a stack", () => {
    const dir = project({ "skai-gen.config.json": { deployment: { namspace: "x" } }, "definitions/.keep": "" });
    const r = spawnSync(process.execPath, [cli, "generate"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `skai-gen: ${path.join(dir, "skai-gen.config.json")}: deployment.namspace: unknown setting (known: namespace, image)\n`);
    const explicit = spawnSync(process.execPath, [cli, "generate", "--config", "nowhere.json"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    assert.equal(explicit.status, 1);
    assert.equal(explicit.stderr, "skai-gen: no configuration file at nowhere.json\n");
  });
});

describe("defaults derive from the package name and the groups", () => {
  const names = (config: ProjectConfig, groups = ["shop.example.com"]) => outputNames(resolveConfig({ projectRoot: "/p", config }, groups));

  it("derives every name from the base name", () => {
    const table: Array<[config: ProjectConfig, groups: string[], base: string, packageName: string, clientClass: string]> = [
      [{ package: { name: "@shop/api" } }, ["shop.example.com"], "shop", "@shop/api", "ShopClient"],
      [{ package: { name: "shop-api" } }, ["shop.example.com"], "shop", "shop-api", "ShopClient"],
      [{ package: { name: "widgets" } }, ["shop.example.com"], "widgets", "widgets", "WidgetsClient"],
      [{ package: { name: "@acme-corp/fleet" } }, ["ships.fleet.example.net"], "acme-corp", "@acme-corp/fleet", "AcmeCorpClient"],
      [{}, ["tiny.example.org"], "tiny", "tiny-api", "TinyClient"],
      [{}, ["ships.fleet.example.net", "ports.fleet.example.net"], "ships", "ships-api", "ShipsClient"],
      [{ package: { name: "@skai/api" } }, ["skai.io"], "skai", "@skai/api", "SkaiClient"],
    ];
    for (const [config, groups, base, packageName, clientClass] of table) {
      const n = names(config, groups);
      assert.deepEqual(
        {
          baseName: n.baseName,
          packageName: n.packageName,
          clientClass: n.clientClass,
          clientUserAgent: n.clientUserAgent,
          serverBin: n.serverBin,
          stateDir: n.stateDir,
          etcdPrefix: n.etcdPrefix,
          kubeconfigContext: n.kubeconfigContext,
          kubectlPlugin: n.kubectlPlugin,
          namespace: n.namespace,
          image: n.image,
        },
        {
          baseName: base,
          packageName,
          clientClass,
          clientUserAgent: `${base}-client`,
          serverBin: `${base}-apiserver`,
          stateDir: `.${base}`,
          etcdPrefix: groups.length === 1 ? `/registry/${groups[0]}` : "/registry",
          kubeconfigContext: base,
          kubectlPlugin: base,
          namespace: `${base}-system`,
          image: `${base}-apiserver:0.1.0`,
        },
        JSON.stringify(config),
      );
    }
  });

  it("keeps what the configuration says; the image follows the configured bin and version", () => {
    const n = names({
      package: { name: "@shop/api", version: "2.3.4", private: false },
      client: { className: "Storefront", userAgent: "storefront" },
      server: { bin: "shopd", stateDir: "var/shop", etcdPrefix: "/shop", kubeconfigContext: "shop-local" },
      kubectlPlugin: { name: "shopctl" },
      deployment: { namespace: "retail" },
    });
    assert.equal(n.packageVersion, "2.3.4");
    assert.equal(n.packagePrivate, false);
    assert.equal(n.clientClass, "Storefront");
    assert.equal(n.clientUserAgent, "storefront");
    assert.equal(n.serverBin, "shopd");
    assert.equal(n.stateDir, "var/shop");
    assert.equal(n.etcdPrefix, "/shop");
    assert.equal(n.kubeconfigContext, "shop-local");
    assert.equal(n.kubectlPlugin, "shopctl");
    assert.equal(n.namespace, "retail");
    assert.equal(n.image, "shopd:2.3.4");
    assert.equal(names({ deployment: { image: "ghcr.io/acme/shop:1" } }).image, "ghcr.io/acme/shop:1");
  });

  it("gives the emitters paths relative to the project, never this machine's", () => {
    const resolved = resolveConfig({ projectRoot: "/home/me/shop", config: { out: "packages/api", server: { main: "server/main.ts" } } }, ["shop.example.com"]);
    const n = outputNames(resolved);
    assert.equal(n.outDir, "packages/api");
    assert.equal(n.serverMain, "server/main.ts");
    assert.doesNotMatch(JSON.stringify(n), /\/home\/me/);
  });
});

describe("config.schema.json", () => {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8"));

  /** Property paths and their JSON types, from the schema. */
  function schemaPaths(node: any, prefix = ""): Map<string, string> {
    const out = new Map<string, string>();
    for (const [key, sub] of Object.entries<any>(node.properties ?? {})) {
      if (key === "$schema") continue;
      out.set(prefix + key, sub.type);
      if (sub.type === "object") for (const [p, t] of schemaPaths(sub, `${prefix}${key}.`)) out.set(p, t);
    }
    return out;
  }

  /** Property paths and their JSON types, from ProjectConfig in generator/src/config/types.ts. */
  function typePaths(): Map<string, string> {
    const file = new Project({ skipAddingFilesFromTsConfig: true }).addSourceFileAtPath(TYPES_FILE);
    const out = new Map<string, string>();
    const walk = (type: Type, prefix: string) => {
      for (const prop of type.getProperties()) {
        const t = prop.getValueDeclarationOrThrow().getType().getNonNullableType();
        const json = t.isString() ? "string" : t.isBoolean() ? "boolean" : t.isNumber() ? "number" : "object";
        out.set(prefix + prop.getName(), json);
        if (json === "object") walk(t, `${prefix}${prop.getName()}.`);
      }
    };
    walk(file.getInterfaceOrThrow("ProjectConfig").getType(), "");
    return out;
  }

  it("has every setting of ProjectConfig, with its type, and nothing else", () => {
    const fromTypes = [...typePaths()].sort();
    assert.ok(fromTypes.length > 15, "the types were read");
    assert.deepEqual([...schemaPaths(schema)].sort(), fromTypes);
  });

  it("compiles with ajv, accepts this repository's and the fixtures' configurations and refuses an unknown key", () => {
    const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
    const configs = [path.join(repoRoot, "skai-gen.config.json"), ...FIXTURE_APIS.map((name) => path.join(fixtureRoot(name), "skai-gen.config.json"))];
    for (const file of configs) assert.ok(validate(JSON.parse(readFileSync(file, "utf8"))), `${file}: ${JSON.stringify(validate.errors)}`);
    assert.equal(validate({ client: { class: "X" } }), false);
    assert.equal(validate({ server: { bin: "" } }), false);
  });

  it("every setting it describes is one the loader accepts", () => {
    for (const [key, type] of schemaPaths(schema)) {
      if (type === "object") continue;
      const value = type === "boolean" ? true : "x";
      const config = key.split(".").reduceRight<unknown>((v, k) => ({ [k]: v }), value);
      const dir = project({ "skai-gen.config.json": config });
      assert.deepEqual(loadConfig(dir).config, config, key);
    }
  });
});
