/**
 * The generated TypeScript types accept well-typed objects and reject wrong
 * ones: each sample is compiled with the TypeScript compiler against the
 * types emitted for the real SKAI definitions (and the Widget fixture).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import ts from "typescript";
import { typesEmitter } from "../../generator/src/emit/types.js";
import { emitToScratch, type Scratch } from "../fixtures/samples/generated.js";
import { readSkai } from "../fixtures/samples/skai.js";
import { WIDGET_MODEL } from "../fixtures/samples/widget-model.js";

let skai: Scratch;
let widget: Scratch;

before(async () => {
  skai = await emitToScratch(await readSkai(), [typesEmitter], { rewriteRuntime: false });
  widget = await emitToScratch(WIDGET_MODEL, [typesEmitter], { rewriteRuntime: false });
});
after(() => {
  skai?.remove();
  widget?.remove();
});

const SKAI_IMPORT = `import type * as v1 from "./src/skai.io/v1alpha1/types.js";\nimport { NotebookGVK, GroupVersion } from "./src/skai.io/v1alpha1/types.js";\n`;

const notebook = `{
  apiVersion: "skai.io/v1alpha1",
  kind: "Notebook",
  metadata: { name: "nb", namespace: "default", labels: { a: "b" } },
  spec: {
    image: "jupyter",
    resources: { cpu: "500m", memory: 1073741824, gpus: 1 },
    env: [{ name: "A", value: "b" }],
    datasets: [{ name: "d", mountPath: "/data" }],
    idleTimeout: "30m",
  },
  status: {
    phase: "Running",
    conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2024-05-01T10:00:00Z", reason: "Up", message: "" }],
  },
}`;

/** Type errors in `source`, compiled next to the generated types. */
function compile(scratch: Scratch, name: string, source: string): string[] {
  const file = path.join(scratch.dir, `${name}.ts`);
  fs.writeFileSync(file, source);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? path.relative(scratch.dir, d.file.fileName) : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

describe("generated types (SKAI)", () => {
  it("the generated types compile and accept valid objects of every kind", () => {
    const errs = compile(
      skai,
      "valid",
      `${SKAI_IMPORT}
const nb: v1.Notebook = ${notebook};
const list: v1.NotebookList = { apiVersion: GroupVersion, kind: "NotebookList", metadata: { resourceVersion: "1" }, items: [nb] };
const kind: "Notebook" = NotebookGVK.kind;
const tj: v1.TrainingJob = {
  apiVersion: "skai.io/v1alpha1", kind: "TrainingJob", metadata: { name: "tj" },
  spec: {
    framework: "PyTorch",
    workers: { replicas: 2, elastic: { minReplicas: 1, maxReplicas: 4 } },
    template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "t", image: "i", resources: { limits: { "nvidia.com/gpu": "1" } } }] } },
    queueName: "q",
  },
};
const ds: v1.Dataset = {
  apiVersion: "skai.io/v1alpha1", kind: "Dataset", metadata: { name: "ds" },
  spec: { source: { type: "S3", uri: "s3://b/p" }, format: "JSONL", schema: { free: ["form", 1] }, cache: { enabled: true, maxSize: "1Ti" } },
  status: { fileCount: 3, cacheRatio: 0.5, lastSyncTime: "2024-05-01T10:00:00Z" },
};
const m: v1.Model = { apiVersion: "skai.io/v1alpha1", kind: "Model", metadata: { name: "m" }, spec: { framework: "ONNX", storageUri: "s3://m", version: "1.0.0", tags: { a: "b" } } };
const isvc: v1.InferenceService = { apiVersion: "skai.io/v1alpha1", kind: "InferenceService", metadata: { name: "i" }, spec: { model: { name: "m" }, runtime: "vLLM", autoscaling: { minReplicas: 1, maxReplicas: 2 } } };
const q: v1.Queue = { apiVersion: "skai.io/v1alpha1", kind: "Queue", metadata: { name: "q" }, spec: { quota: { gpus: 8, memory: "1Ti" }, namespaces: ["a"] } };
const phase: v1.NotebookPhase = "Stopped";
const fw: v1.Framework = "MPI";
export { list, kind, tj, ds, m, isvc, q, phase, fw };
`,
    );
    assert.deepEqual(errs, []);
  });

  const invalid: Array<[string, string, RegExp]> = [
    ["wrong field type", `spec: { image: "i", resources: { gpus: "two" } }`, /Type 'string' is not assignable to type 'number'/],
    ["unknown field", `spec: { image: "i", bogus: 1 }`, /'bogus' does not exist in type 'NotebookSpec'/],
    ["missing required field", `spec: { resources: {} }`, /Property 'image' is missing/],
    ["enum value", `spec: { image: "i" }, status: { phase: "Sleeping" }`, /"Sleeping"' is not assignable to type 'NotebookPhase/],
    ["int-or-string", `spec: { image: "i", resources: { cpu: true } }`, /Type 'true' is not assignable to type 'string \| number/],
    ["list item type", `spec: { image: "i", env: [{ value: "x" }] }`, /Property 'name' is missing/],
  ];
  for (const [name, body, expected] of invalid) {
    it(`rejects: ${name}`, () => {
      const errs = compile(
        skai,
        name.replace(/\W+/g, "-"),
        `${SKAI_IMPORT}export const nb: v1.Notebook = { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "x" }, ${body} };\n`,
      );
      assert.ok(errs.some((e) => expected.test(e)), errs.join("\n"));
    });
  }

  it("rejects a wrong kind or apiVersion literal", () => {
    const errs = compile(
      skai,
      "wrong-gvk",
      `${SKAI_IMPORT}export const a: v1.Notebook = { apiVersion: "skai.io/v1", kind: "Notebook", metadata: {}, spec: { image: "i" } };
export const b: v1.Notebook = { apiVersion: "skai.io/v1alpha1", kind: "Notebok", metadata: {}, spec: { image: "i" } };\n`,
    );
    assert.equal(errs.length, 2, errs.join("\n"));
  });

  it("Kubernetes types come from kubernetes-types (a pod template is checked as one)", () => {
    const errs = compile(
      skai,
      "pod-template",
      `${SKAI_IMPORT}import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
const t: PodTemplateSpec = { spec: { containers: [{ name: "c" }] } };
export const tj: v1.TrainingJobSpec = { framework: "PyTorch", workers: {}, template: t };
export const bad: v1.TrainingJobSpec = { framework: "PyTorch", workers: {}, template: { spec: { containers: [{ image: "no-name" }] } } };\n`,
    );
    assert.equal(errs.length, 1, errs.join("\n"));
    assert.match(errs[0]!, /Property 'name' is missing/);
  });

  it("prints imports from kubernetes-types and keeps constraints as JSDoc tags", () => {
    const text = skai.files.find((f) => f.path === "src/skai.io/v1alpha1/types.ts")!.content;
    assert.match(text, /import type \{ LocalObjectReference, PodTemplateSpec \} from "kubernetes-types\/core\/v1\.js";/);
    assert.match(text, /import type \{ Condition, ListMeta, ObjectMeta \} from "kubernetes-types\/meta\/v1\.js";/);
    assert.match(text, /\* @minLength 1\n\s+\* @maxLength 512\n\s+\*\/\n\s+image: string;/);
    assert.match(text, /\* @immutable\n\s+\*\/\n\s+serviceAccountName\?: string;/);
    assert.doesNotMatch(text, /interface PodTemplateSpec|interface Container\b/);
  });
});

describe("generated types (fixture)", () => {
  it("nullable, maps, unknown and unions", () => {
    const errs = compile(
      widget,
      "widget",
      `import type { Widget, WidgetSpec, Mode } from "./src/test.skai.io/v1/types.js";
const spec: WidgetSpec = { name: "abc", mode: "Fast", note: null, labels: { a: "b" }, extra: { x: [1] }, size: 3, target: "50%", source: { git: "g" } };
export const w: Widget = { apiVersion: "test.skai.io/v1", kind: "Widget", metadata: {}, spec };
export const m: Mode = "Slow";
// @ts-expect-error labels values are strings
export const bad: WidgetSpec = { name: "abc", mode: "Fast", labels: { a: 1 } };
`,
    );
    assert.deepEqual(errs, []);
  });
});
