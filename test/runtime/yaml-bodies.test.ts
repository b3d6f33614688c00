/**
 * Malformed YAML of any kind is kube's 400 (never a 500 or a crashed stack):
 * - create/update bodies: k8s.io/apimachinery runtime/serializer/json Decode runs
 *   sigs.k8s.io/yaml YAMLToJSON first and handlers/rest.go transformDecodeError answers
 *   "the object provided is unrecognized (must be of type K): <yaml error> (<summary>)";
 * - apply patches: handlers/patch.go applyPatcher answers
 *   "error decoding YAML: error converting YAML to JSON: <yaml error>";
 * - go-yaml's own limits (CVE-2019-11253): "yaml: document contains excessive aliasing"
 *   and "yaml: exceeded max depth of 10000".
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { summarizeData } from "../../runtime/src/endpoints/body.js";
import { call, GV, ns, startHarness, type Harness } from "./harness.js";

const YAML_BODY = { "content-type": "application/yaml" };
const APPLY = { "content-type": "application/apply-patch+yaml" };

/** A billion-laughs document: nine aliases per level, seven levels (4.7 million nodes once expanded). */
function aliasBomb(name: string): string {
  const levels = ["a", "b", "c", "d", "e", "f", "g"];
  let out = `apiVersion: ${GV}\nkind: Widget\nmetadata:\n  name: ${name}\nspec:\n  free:\n    a: &a [x, x, x, x, x, x, x, x, x]\n`;
  for (let i = 1; i < levels.length; i++) {
    const prev = levels[i - 1];
    out += `    ${levels[i]}: &${levels[i]} [${Array(9).fill(`*${prev}`).join(", ")}]\n`;
  }
  return out;
}

/** A widget whose spec.free nests `depth` flow sequences. */
function deepYAML(name: string, depth: number): string {
  return `apiVersion: ${GV}\nkind: Widget\nmetadata:\n  name: ${name}\nspec:\n  free:\n    x: ${"[".repeat(depth)}${"]".repeat(depth)}\n`;
}

const unrecognized = (body: string, problem: string) =>
  `the object provided is unrecognized (must be of type Widget): ${problem} (${summarizeData(Buffer.from(body))})`;

describe("malformed YAML bodies", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    const r = await call(h, "POST", ns(), { apiVersion: GV, kind: "Widget", metadata: { name: "kept" }, spec: { replicas: 1 } });
    assert.equal(r.status, 201, r.text);
  });
  after(() => h.close());

  function badRequest(r: Awaited<ReturnType<typeof call>>, message: string): void {
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(r.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 });
  }

  it("an alias bomb is 400 on create, update and apply", async () => {
    const created = aliasBomb("bomb");
    badRequest(await call(h, "POST", ns(), created, YAML_BODY), unrecognized(created, "yaml: document contains excessive aliasing"));
    const updated = aliasBomb("kept");
    badRequest(await call(h, "PUT", `${ns()}/kept`, updated, YAML_BODY), unrecognized(updated, "yaml: document contains excessive aliasing"));
    badRequest(
      await call(h, "PATCH", `${ns()}/kept?fieldManager=m`, updated, APPLY),
      "error decoding YAML: error converting YAML to JSON: yaml: document contains excessive aliasing",
    );
    const missing = await call(h, "GET", `${ns()}/bomb`);
    assert.equal(missing.status, 404);
  });

  it("nesting beyond 10,000 levels is 400 on create, update and apply", async () => {
    const created = deepYAML("deep", 20_000);
    badRequest(await call(h, "POST", ns(), created, YAML_BODY), unrecognized(created, "yaml: exceeded max depth of 10000"));
    const updated = deepYAML("kept", 20_000);
    badRequest(await call(h, "PUT", `${ns()}/kept`, updated, YAML_BODY), unrecognized(updated, "yaml: exceeded max depth of 10000"));
    badRequest(await call(h, "PATCH", `${ns()}/kept?fieldManager=m`, updated, APPLY), "error decoding YAML: error converting YAML to JSON: yaml: exceeded max depth of 10000");
  });

  it("a syntax error is 400 with the line, as go-yaml words it", async () => {
    const body = `apiVersion: ${GV}\nkind: Widget\nmetadata:\n  name: y\n  bad: [\n`;
    const r = await call(h, "POST", ns(), body, YAML_BODY);
    assert.equal(r.status, 400, r.text);
    const prefix = "the object provided is unrecognized (must be of type Widget): yaml: line ";
    assert.ok(r.body.message.startsWith(prefix) && r.body.message.endsWith(` (${summarizeData(Buffer.from(body))})`), r.body.message);
    const apply = await call(h, "PATCH", `${ns()}/kept?fieldManager=m`, "a: [", APPLY);
    assert.equal(apply.status, 400, apply.text);
    assert.match(apply.body.message, /^error decoding YAML: error converting YAML to JSON: yaml: line 1: /);
    const g = await call(h, "GET", `${ns()}/kept`);
    assert.deepEqual(g.body.spec, { replicas: 1, color: "blue" });
  });
});

describe("YAML bodies with several documents", () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it("the first document is the body, what follows is not read (go-yaml's Unmarshal)", async () => {
    const body = `apiVersion: ${GV}\nkind: Widget\nmetadata:\n  name: first\nspec:\n  replicas: 2\n---\nnot: [valid\n`;
    const r = await call(h, "POST", ns(), body, YAML_BODY);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.metadata.name, "first");
    assert.equal(r.body.spec.replicas, 2);
  });
});

describe("YAML depth with a deep stack (the generated server's serving thread)", () => {
  it("accepts 9,000 levels and refuses 10,001, and 3 MiB of nesting at once, with go-yaml's words", async () => {
    // The YAML library recurses: on the main thread it runs out of stack long before 10,000
    // levels (still a 400); with the serving thread's stack the depth check is what refuses.
    const code = `
      const { parentPort } = require("node:worker_threads");
      import("tsx/esm/api").then(({ register }) => {
        register();
        return import(${JSON.stringify(new URL("../../runtime/src/endpoints/body.ts", import.meta.url).href)});
      }).then(({ decodeBody }) => {
        const nested = (n) => "x: " + "[".repeat(n) + "]".repeat(n);
        const outcome = (text) => { try { decodeBody(Buffer.from(text), "application/yaml"); return "ok"; } catch (e) { return e.message; } };
        parentPort.postMessage([
          outcome(nested(9000)),
          outcome(nested(10001)),
          // what the YAML library would chew on for minutes: refused before it sees them
          outcome("x: " + "[".repeat(3 << 20)),
          outcome("x:\\n" + "- ".repeat(1 << 20) + "1"),
        ]);
      });
    `;
    const worker = new Worker(code, { eval: true, resourceLimits: { stackSizeMb: 256 } });
    try {
      const [shallow, ...deep] = await new Promise<string[]>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      assert.equal(shallow, "ok");
      assert.deepEqual(deep, Array(3).fill("yaml: exceeded max depth of 10000"));
    } finally {
      await worker.terminate();
    }
  });
});
