/**
 * Protobuf field numbers are fixed forever by definitions/protobuf.lock.json:
 * in a small fixture definitions tree, inserting and reordering fields never
 * renumbers one, a removed field's number is reserved (and in the .proto) and
 * never handed out again, `@protobuf` pins a number, and pins that would
 * renumber a locked field or reuse a reserved number are diagnostics.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { generate } from "../../generator/src/pipeline.js";
import { writeLock } from "../../generator/src/write/lock.js";
import { repoRoot } from "../support/generated-server.js";

const KIND = `import type { Resource, int32 } from "skai-gen/definitions";

/**
 * Widget is a fixture kind.
 * @subresource status
 */
export interface Widget extends Resource<WidgetSpec, WidgetStatus> {}

/** WidgetSpec is the desired state. */
export interface WidgetSpec {
FIELDS
}

/** WidgetStatus is the observed state. */
export interface WidgetStatus {
  /** Phase. */
  phase?: string;
}
`;

describe("protobuf lock file", { timeout: 300_000 }, () => {
  let work: string;
  let defs: string;
  const spec = (fields: string[]) => {
    writeFileSync(path.join(defs, "widgets.example.com/v1/widget.ts"), KIND.replace("FIELDS", fields.map((f) => `  ${f}`).join("\n")));
  };
  const run = async () => {
    const result = await generate({ definitionsDir: defs, projectRoot: work });
    if (result.diagnostics.length === 0) await writeLock(result.protobufLock!);
    const lock = JSON.parse(readFileSync(path.join(defs, "protobuf.lock.json"), "utf8"));
    const proto = result.files.find((f) => f.path === "proto/widgets.example.com/v1/generated.proto")?.content ?? "";
    return { result, numbers: lock.messages["com.example.widgets.v1.WidgetSpec"], proto };
  };

  before(() => {
    // inside the repository, so the fixture resolves skai-gen/definitions from node_modules
    mkdirSync(path.join(repoRoot, "bench/out"), { recursive: true });
    work = mkdtempSync(path.join(repoRoot, "bench/out/protobuf-lock-"));
    defs = path.join(work, "definitions");
    mkdirSync(path.join(defs, "widgets.example.com/v1"), { recursive: true });
    writeFileSync(path.join(defs, "widgets.example.com/v1/index.ts"), "/** Package v1 is a fixture. */\nexport * from \"./widget.js\";\n");
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("numbers fields in declaration order on first run", async () => {
    spec(["a?: string;", "b?: int32;", "c?: boolean;"]);
    const { result, numbers, proto } = await run();
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(numbers, { fields: { a: 1, b: 2, c: 3 }, reserved: {} });
    assert.match(proto, /package com\.example\.widgets\.v1;/);
    assert.match(proto, /optional int32 b = 2;/);
    assert.match(proto, /import "k8s.io\/apimachinery\/pkg\/apis\/meta\/v1\/generated.proto";/);
  });

  it("survives an insertion and a reordering without renumbering", async () => {
    spec(["c?: boolean;", "x?: string;", "a?: string;", "b?: int32;"]);
    const { numbers, proto } = await run();
    assert.deepEqual(numbers.fields, { a: 1, b: 2, c: 3, x: 4 });
    assert.match(proto, /optional string x = 4;/);
  });

  it("reserves a removed field's number and never reuses it", async () => {
    spec(["c?: boolean;", "x?: string;", "a?: string;"]);
    let { numbers, proto } = await run();
    assert.deepEqual(numbers, { fields: { a: 1, c: 3, x: 4 }, reserved: { b: 2 } });
    assert.match(proto, /reserved 2;\n {2}reserved "b";/);
    spec(["c?: boolean;", "x?: string;", "a?: string;", "d?: string;", "b?: int32;"]);
    ({ numbers } = await run());
    // b came back as a new field: a new number, the old one stays reserved
    assert.deepEqual(numbers, { fields: { a: 1, c: 3, x: 4, d: 5, b: 6 }, reserved: { b: 2 } });
  });

  it("pins with @protobuf and reports pins that renumber or reuse", async () => {
    spec(["c?: boolean;", "x?: string;", "a?: string;", "d?: string;", "b?: int32;", "/** @protobuf 20 */", "e?: string;"]);
    let { result, numbers } = await run();
    assert.deepEqual(result.diagnostics, []);
    assert.equal(numbers.fields.e, 20);
    spec(["c?: boolean;", "x?: string;", "/** @protobuf 7 */", "a?: string;", "d?: string;", "b?: int32;", "/** @protobuf 20 */", "e?: string;", "/** @protobuf 2 */", "f?: string;"]);
    ({ result } = await run());
    const codes = result.diagnostics.map((d) => d.code).sort();
    assert.deepEqual(codes, ["protobuf-renumber", "protobuf-reserved"]);
    assert.match(result.diagnostics.find((d) => d.code === "protobuf-renumber")!.message, /WidgetSpec\.a has protobuf number 1 in protobuf\.lock\.json; @protobuf 7 would renumber it/);
    // nothing was written on error: the lock still has the old numbers
    assert.equal(JSON.parse(readFileSync(path.join(defs, "protobuf.lock.json"), "utf8")).messages["com.example.widgets.v1.WidgetSpec"].fields.a, 1);
  });
});
