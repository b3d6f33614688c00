/**
 * `src/admission.ts` of the generated package: the user's admission plugins,
 * for the generated server to put in its admission chain after the built-in
 * ones. The user writes `definitions/admission.ts` exporting `plugins`:
 *
 *   import { definePlugin } from "@skai-gen/runtime/admission";
 *   export const plugins = [definePlugin({ name: "NoLatestTag", validate(a) { ... } })];
 *
 * The package compiles only its own src/, so the reader carries the file's
 * text in the model and it is copied to `src/user/admission.ts`; it should
 * import only packages (the runtime, `@skai/api`). Without the file the
 * module exports an empty list, so the server's wiring is the same either way.
 */
import { TsFile } from "../codegen/ts-file.js";
import type { EmittedFile } from "../codegen/file.js";
import type { ApiModel } from "../model/types.js";
import type { EmitContext, Emitter } from "./emitter.js";

export const ADMISSION_FILE = "src/admission.ts";

export const USER_ADMISSION_FILE = "src/user/admission.ts";

export function emitAdmission(model: ApiModel, ctx: EmitContext): EmittedFile[] {
  const f = new TsFile(ADMISSION_FILE);
  const runtime = { module: `${ctx.runtimeModule}/admission` };
  const pluginType = f.importType("AdmissionPlugin", runtime);
  f.declare("userAdmissionPlugins");
  if (!model.admission) {
    f.jsDoc("No definitions/admission.ts: no user admission plugins.");
    f.print(`export const userAdmissionPlugins: readonly ${pluginType}[] = [];`);
    return [f.toFile()];
  }
  const pluginsFrom = f.import("pluginsFrom", runtime);
  const plugins = f.import("plugins", { file: USER_ADMISSION_FILE });
  f.jsDoc(`The admission plugins of ${model.admission.file}, in order; they run after the built-in ones.`);
  f.print(
    `export const userAdmissionPlugins: readonly ${pluginType}[] = ${pluginsFrom}(${plugins}, ${JSON.stringify(model.admission.file)});`,
  );
  return [
    f.toFile(),
    {
      path: USER_ADMISSION_FILE,
      content: `// Copied from ${model.admission.file}; edit that file.\n${model.admission.source}`,
      language: "typescript",
    },
  ];
}

export const admissionEmitter: Emitter = {
  name: "admission",
  description: "src/admission.ts: the user's admission plugins from definitions/admission.ts",
  emit: (model, ctx) => emitAdmission(model, ctx),
};
