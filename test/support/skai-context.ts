/**
 * SKAI's emit context as `skai-gen generate` builds it in this repository:
 * the names from /skai-gen.config.json and the groups of definitions/. For
 * tests that call one emitter directly.
 */
import path from "node:path";
import { loadConfig, resolveConfig, type ProjectConfig } from "../../generator/src/config/index.js";
import type { EmitContext } from "../../generator/src/emit/emitter.js";
import type { ApiModel } from "../../generator/src/model/types.js";
import { emitContext } from "../../generator/src/pipeline.js";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

export function skaiEmitContext(model: ApiModel): EmitContext {
  const config = loadConfig(REPO_ROOT, path.join(REPO_ROOT, "skai-gen.config.json"));
  return emitContext(resolveConfig(config, model.groups.map((g) => g.name)));
}

/** The emit context of a project with `config` (default: none, every name derived from the model's groups). */
export function emitContextFor(model: ApiModel, config: ProjectConfig = {}): EmitContext {
  return emitContext(resolveConfig({ projectRoot: REPO_ROOT, config }, model.groups.map((g) => g.name)));
}
