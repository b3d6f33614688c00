/**
 * The manifests as a cluster would get them: emitted into a temp dir, components
 * enabled as a user enables them (uncommented in kustomization.yaml), rendered by
 * `kubectl kustomize`. Shared by the manifests and image tests.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadAll } from "js-yaml";
import { finishFile } from "../../generator/src/codegen/format.js";
import { emitManifests } from "../../generator/src/emit/manifests.js";
import type { EmitContext } from "../../generator/src/emit/emitter.js";
import type { ApiModel } from "../../generator/src/model/types.js";
import { readDefinitions } from "../../generator/src/read/index.js";
import { skaiEmitContext } from "../support/skai-context.js";

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; [k: string]: any };

let model: Promise<ApiModel> | undefined;

/** The SKAI definitions' model, read once. */
export function apiModel(): Promise<ApiModel> {
  return (model ??= readDefinitions(join(process.cwd(), "definitions"), { projectRoot: process.cwd() }).then((read) => {
    assert.deepEqual(read.diagnostics, []);
    return read.model;
  }));
}

const scratch: string[] = [];

/** Removes every render's temp dir (call from after()). */
export function cleanRenders(): void {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** SKAI's emit context (names from this repository's configuration). */
export async function apiContext(): Promise<EmitContext> {
  return skaiEmitContext(await apiModel());
}

/** SKAI's manifests (with `certificates` when given; `context` instead of SKAI's), rendered by kustomize. */
export async function render(certificates?: EmitContext["certificates"], edit?: (dir: string) => void, context?: EmitContext): Promise<K8sObject[]> {
  const dir = mkdtempSync(join(tmpdir(), "manifests-"));
  scratch.push(dir);
  const ctx = { ...(context ?? (await apiContext())), ...(certificates ? { certificates } : {}) };
  for (const file of await Promise.all(emitManifests(await apiModel(), ctx).map(finishFile))) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  edit?.(join(dir, "manifests"));
  const out = execFileSync("kubectl", ["kustomize", join(dir, "manifests")], { encoding: "utf8" });
  return loadAll(out) as K8sObject[];
}

/** Enables components as a user does: uncommenting them in kustomization.yaml. */
export const enable =
  (...components: string[]) =>
  (dir: string): void => {
    const file = join(dir, "kustomization.yaml");
    let text = readFileSync(file, "utf8").replace("# components:", "components:");
    for (const c of components) {
      assert.ok(text.includes(`#   - ${c}`), `kustomization.yaml offers the ${c} component`);
      text = text.replace(`#   - ${c}`, `  - ${c}`);
    }
    writeFileSync(file, text);
  };

export const byKind = (objs: K8sObject[], kind: string): K8sObject[] => objs.filter((o) => o.kind === kind);

/** The one StatefulSet running the server. */
export function serverStatefulSet(objs: K8sObject[]): K8sObject {
  const sets = byKind(objs, "StatefulSet");
  assert.equal(sets.length, 1);
  return sets[0]!;
}
