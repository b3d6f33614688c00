/**
 * The smoke test `skai-gen generate` emits into the generated package
 * (emit/smoke-test.ts) and the objects it creates, synthesized from the schema
 * (emit/samples): samples satisfy patterns, formats, bounds, lists, unions and
 * rules; a kind without one is skipped with the reason; and the emitted test
 * passes against this repository's SKAI server and against a fixture API
 * generated, built and started from a scratch copy.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sampleObject } from "../../generator/src/emit/samples/index.js";
import { matchesPattern, patternSamples, stringCandidates } from "../../generator/src/emit/samples/strings.js";
import { SMOKE_TEST_PATH, smokeTestEmitter } from "../../generator/src/emit/smoke-test.js";
import { resolveConfig } from "../../generator/src/config/index.js";
import { emitContext } from "../../generator/src/pipeline.js";
import type { ApiModel } from "../../generator/src/model/types.js";
import { readDefinitions } from "../../generator/src/read/index.js";
import { repoRoot } from "../support/generated-server.js";

describe("string samples", () => {
  const patterns = [
    "^[A-Z]{3}-[0-9]{4}$",
    "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
    "^v?(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$",
    "^(s3|gs|https?|pvc|hf)://",
    "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?){0,}/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
    "^[^/]+$",
    "\\d{2,}\\s\\w+",
    "^(?:ab|cd)+$",
    "^(?P<major>[0-9]+)\\.x$",
    "^[\\x41-\\x43]{2}\\x44$",
  ];
  for (const p of patterns)
    it(`matches ${p}`, () => {
      const samples = patternSamples(p);
      assert.ok(samples.length > 0, "at least one sample");
      for (const s of samples) assert.ok(matchesPattern(p, s), `${JSON.stringify(s)} matches`);
    });

  it("has none of its own for a pattern it cannot read (lookahead, back-reference)", () => {
    assert.deepEqual(patternSamples("^(?!tmp)[a-z]{3}$"), []);
    assert.deepEqual(patternSamples("^(a)\\1$"), []);
  });

  it("meets a length the shortest reading of the pattern misses", () => {
    const [first] = stringCandidates({ pattern: "^[a-z]+$", minLength: 12, maxLength: 20 });
    assert.ok(first && /^[a-z]{12,20}$/.test(first), first);
  });

  it("gives a value of the format", () => {
    assert.equal(stringCandidates({ format: "ipv4" })[0], "192.0.2.1");
    assert.equal(stringCandidates({ format: "date-time" })[0], "2024-01-01T00:00:00Z");
  });
});

describe("object samples", { timeout: 120_000 }, () => {
  let scratch: string;
  let model: ApiModel;
  const sample = (kind: string) => {
    const g = model.groups[0]!;
    const k = g.versions[0]!.kinds.find((x) => x.name === kind)!;
    return sampleObject(model, g.name, "v1", k, "smoke", "default");
  };
  const spec = (kind: string) => {
    const s = sample(kind);
    assert.ok(s.ok, s.ok ? "" : s.reason);
    return s.object.spec as Record<string, unknown>;
  };

  before(async () => {
    // Inside the repository, so `skai-gen/definitions` resolves as in a project.
    scratch = mkdtempSync(path.join(repoRoot, "test", ".scratch-samples-"));
    const dir = path.join(scratch, "definitions/parts.example.com/v1");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "index.ts"), `export * from "./kinds.js";\n`);
    writeFileSync(path.join(dir, "kinds.ts"), KINDS);
    const read = await readDefinitions(path.join(scratch, "definitions"), { projectRoot: scratch });
    assert.deepEqual(read.diagnostics, []);
    model = read.model;
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("is the kind's object: apiVersion, kind, name, namespace when namespaced", () => {
    const s = sample("Part");
    assert.ok(s.ok);
    assert.equal(s.object.apiVersion, "parts.example.com/v1");
    assert.equal(s.object.kind, "Part");
    assert.deepEqual(s.object.metadata, { name: "smoke", namespace: "default" });
    const bin = sample("Bin");
    assert.ok(bin.ok);
    assert.deepEqual(bin.object.metadata, { name: "smoke" }, "cluster-scoped");
  });

  it("fills required fields only, leaving defaults to the server, each value within its constraints", () => {
    const s = spec("Part");
    assert.deepEqual(Object.keys(s).sort(), ["code", "count", "link", "ratio", "sku", "tags", "tier", "when"]);
    assert.match(s.sku as string, /^[A-Z]{3}-[0-9]{4}$/);
    assert.match(s.code as string, /^[a-z]{12}$/);
    assert.equal(s.link, "https://example.com/");
    assert.equal(s.tier, "Gold");
    assert.equal(s.count, 12, "above the exclusive minimum 10, a multiple of 3");
    assert.ok((s.ratio as number) >= -5 && (s.ratio as number) <= -1);
    const tags = s.tags as string[];
    assert.equal(tags.length, 2);
    assert.notEqual(tags[0], tags[1], "a set's items are distinct");
    assert.equal(s.when, "2024-01-01T00:00:00Z");
  });

  it("sets one member of an exactlyOneOf, and what a discriminated union's rules need", () => {
    const s = spec("Bin");
    assert.deepEqual(s.where, { bucket: "example" });
    assert.deepEqual(s.source, { type: "S3", bucket: "example" });
  });

  it("satisfies rules that relate fields, and takes an @example as given", () => {
    const s = spec("Bin");
    const range = s.range as { min: number; max: number };
    assert.ok(range.min >= 2 && range.min <= range.max, JSON.stringify(range));
    assert.equal(s.greeting, "hello, world");
    assert.deepEqual(s.shape, { sides: 7 });
  });

  it("has no sample, saying where and what to add, when a pattern cannot be met", () => {
    const s = sample("Odd");
    assert.equal(s.ok, false);
    assert.equal(s.ok ? "" : s.reason, "spec.name: cannot make a string matching ^[a-z]{3}$ within its length bounds; give the field an @example");
  });

  it("has no sample when a rule holds for no candidate", () => {
    const s = sample("Never");
    assert.equal(s.ok, false);
    assert.match(s.ok ? "" : s.reason, /passes its rule `self\.a > self\.b && self\.b > self\.a`/);
  });

  it("becomes a skipped case in the emitted test, with the reason, when there is none", async () => {
    const ctx = emitContext(resolveConfig({ projectRoot: scratch, config: { package: { name: "@parts/api" } } }, ["parts.example.com"]));
    const [file] = await smokeTestEmitter.emit(model, ctx);
    assert.equal(file!.path, SMOKE_TEST_PATH);
    assert.match(file!.content, /import \{[^}]*\bPartsClient\b[^}]*\} from "@parts\/api\/client";/);
    assert.match(file!.content, /it\("parts\.example\.com\/v1 Part", \(\) => roundTrip\(client\.partsV1\.parts\(NAMESPACE\), \{/);
    assert.match(file!.content, /it\("parts\.example\.com\/v1 Bin", \(\) => roundTrip\(client\.partsV1\.bins\(\), \{/);
    assert.ok(file!.content.includes(`it("parts.example.com/v1 Odd", { skip: "no sample: spec.name: cannot make a string matching ^[a-z]{3}$ within its length bounds; give the field an @example" }, () => {});`));
  });
});

/** Runs a node:test file in its own process, as `npm test` of a project does. */
function nodeTest(file: string, cwd: string) {
  // Not as a subtest of this run: a test process passes its context to children through the environment.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ["--test", "--test-reporter=tap", file], { cwd, env, encoding: "utf8", timeout: 300_000 });
  const count = (what: string) => Number(new RegExp(`^# ${what} (\\d+)$`, "m").exec(r.stdout)?.[1]);
  return { status: r.status, output: r.stdout + r.stderr, pass: count("pass"), fail: count("fail"), skipped: count("skipped") };
}

/** The kinds the emitted test covers: one `it` per served kind and version. */
function casesIn(file: string): number {
  return readFileSync(file, "utf8").match(/^ {2}it\(/gm)?.length ?? 0;
}

describe("the emitted smoke test", { timeout: 600_000 }, () => {
  it("passes against this repository's API: every served kind and version created, read, listed and deleted", () => {
    const file = path.join(repoRoot, "generated", SMOKE_TEST_PATH);
    const cases = casesIn(file);
    assert.ok(cases >= 12, `${cases} cases`);
    const r = nodeTest(file, repoRoot);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual({ pass: r.pass, fail: r.fail, skipped: r.skipped }, { pass: cases, fail: 0, skipped: 0 }, r.output);
  });

  it("passes against a fixture API unlike SKAI, generated, built and started from a scratch copy", () => {
    // Inside the repository, so the generated package resolves skai-gen's packages as an installed project would.
    const scratch = mkdtempSync(path.join(repoRoot, "test", ".scratch-smoke-"));
    try {
      cpSync(path.join(repoRoot, "test/fixtures/apis/shop"), scratch, { recursive: true });
      const generate = spawnSync(process.execPath, [path.join(repoRoot, "generator/bin/skai-gen.js"), "generate"], { cwd: scratch, encoding: "utf8", timeout: 120_000 });
      assert.equal(generate.status, 0, generate.stderr);
      const build = spawnSync("npm", ["run", "build"], { cwd: path.join(scratch, "generated"), encoding: "utf8", timeout: 300_000 });
      assert.equal(build.status, 0, build.stdout + build.stderr);
      const file = path.join(scratch, "generated", SMOKE_TEST_PATH);
      assert.equal(casesIn(file), 2, "Widget and Warehouse");
      const r = nodeTest(file, scratch);
      assert.equal(r.status, 0, r.output);
      assert.deepEqual({ pass: r.pass, fail: r.fail, skipped: r.skipped }, { pass: 2, fail: 0, skipped: 0 }, r.output);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

const KINDS = `import type { Resource, int32, float64, Time } from "skai-gen/definitions";

/** @scope Namespaced */
export interface Part extends Resource<PartSpec> {}

export interface PartSpec {
  /** @pattern ^[A-Z]{3}-[0-9]{4}$ */
  sku: string;
  /** @pattern ^[a-z]+$ @minLength 12 @maxLength 12 */
  code: string;
  /** @format uri */
  link: string;
  tier: "Gold" | "Silver";
  /** @minimum 10 @exclusiveMinimum @maximum 20 @multipleOf 3 */
  count: int32;
  /** @minimum -5 @maximum -1 */
  ratio: float64;
  /** @listType set @minItems 2 */
  tags: string[];
  when: Time;
  /** @default "fast" */
  mode: string;
  /** @default 3 */
  copies?: int32;
  note?: string;
}

/** @scope Cluster */
export interface Bin extends Resource<BinSpec> {}

export interface BinSpec {
  where: Where;
  source: Source;
  range: Range;
  /** @example "hello, world" */
  greeting: string;
  shape: Shape;
}

/** @exactlyOneOf bucket,url */
export interface Where {
  bucket?: string;
  url?: string;
}

export type Source = S3 | Web;
export interface S3 {
  type: "S3";
  bucket: string;
}
export interface Web {
  type: "Web";
  url: string;
}

/** @rule self.min <= self.max "min must not exceed max" */
export interface Range {
  /** @minimum 2 */
  min: int32;
  max: int32;
}

/** @example {"sides": 7} */
export interface Shape {
  sides: int32;
}

/** @scope Cluster */
export interface Odd extends Resource<OddSpec> {}

export interface OddSpec {
  /** @pattern ^[a-z]{3}$ @minLength 5 */
  name: string;
}

/** @scope Cluster */
export interface Never extends Resource<NeverSpec> {}

/** @rule self.a > self.b && self.b > self.a "impossible" */
export interface NeverSpec {
  a: int32;
  b: int32;
}
`;
