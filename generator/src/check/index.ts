/**
 * The CHECK step: model-level rules that need the whole model (names across
 * kinds, storage versions, list keys, JSON paths, defaults, CEL rules' types
 * and cost). Reader-time problems (types, tags, CEL syntax) are reported by
 * readDefinitions.
 */
import { resolve } from "node:path";
import { DiagnosticBag, type Diagnostic } from "../model/diagnostic.js";
import type { ApiModel } from "../model/types.js";
import { checkCelRules } from "./cel-rules.js";
import { checkConstraints } from "./constraints.js";
import { checkConversions } from "./conversion.js";
import { checkDefaults } from "./defaults.js";
import { checkLists } from "./lists.js";
import { checkNames } from "./names.js";
import { checkPaths } from "./paths.js";
import { checkVersions } from "./versions.js";

export interface CheckOptions {
  /** Root the model's source paths are relative to, to read snippets (default: the working directory). */
  projectRoot?: string;
  /** The project's server main (configuration `server.main`), which passes the conversion functions to serve(). */
  serverMain?: string;
}

export function checkModel(model: ApiModel, opts: CheckOptions = {}): Diagnostic[] {
  const diags = new DiagnosticBag(resolve(opts.projectRoot ?? process.cwd()));
  checkVersions(model, diags);
  checkNames(model, diags);
  checkLists(model, diags);
  checkPaths(model, diags);
  checkConstraints(model, diags);
  checkDefaults(model, diags);
  checkConversions(model, diags, opts.serverMain);
  checkCelRules(model, diags);
  return diags.list();
}
