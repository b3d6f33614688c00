/**
 * `src/admission.ts` of the generated package: the user's admission plugins,
 * for the generated server to put in its admission chain after the built-in
 * ones. The user writes `definitions/admission.ts` (or
 * `definitions/<group>/admission.ts`) exporting `plugins`:
 *
 *   import { definePlugin } from "@skai-gen/runtime/admission/index";
 *   export const plugins = [definePlugin({ name: "NoLatestTag", validate(a) { ... } })];
 *
 * The reader records that file as `model.admissionModule` (project-relative);
 * without one the module exports an empty list, so the server's wiring is the
 * same either way.
 *
 * The user's file must be compiled with the package (the package's rootDir is
 * `src/`, and `definitions/` holds .ts only), so the caller passes its text as
 * `userSource` and it is copied to `src/user/admission.ts`. The copy should
 * import only packages (the runtime, `@skai/api` for the generated types),
 * not relative paths into definitions/. Without `userSource` the module
 * imports the file in place, which needs the generated tsconfig to include it.
 */
import path from "node:path";
import { TsFile } from "../codegen/ts-file.js";
import type { EmittedFile } from "../codegen/file.js";
import type { ApiModel } from "../model/types.js";
import type { EmitContext, Emitter } from "./emitter.js";

export const ADMISSION_FILE = "src/admission.ts";

export const USER_ADMISSION_FILE = "src/user/admission.ts";

export interface AdmissionEmitOptions {
  /** Text of the user's admission module, copied into the package (recommended). */
  userSource?: string;
  /** The generated package's folder relative to the project root (default `generated`), for the in-place import. */
  outputDir?: string;
}

/** The import specifier of the user's module as seen from `<outputDir>/src/admission.ts`. */
export function userModuleSpecifier(admissionModule: string, outputDir = "generated"): string {
  const from = path.posix.dirname(path.posix.join(outputDir, ADMISSION_FILE));
  let rel = path.posix.relative(from, admissionModule.split(path.sep).join("/"));
  if (!rel.startsWith(".")) rel = `./${rel}`;
  return rel.replace(/\.ts$/, ".js");
}

export function emitAdmission(model: ApiModel, ctx: EmitContext, options: AdmissionEmitOptions = {}): EmittedFile[] {
  const f = new TsFile(ADMISSION_FILE);
  const runtime = { module: `${ctx.runtimeModule}/admission/index` };
  const pluginType = f.importType("AdmissionPlugin", runtime);
  f.declare("userAdmissionPlugins");
  if (model.admissionModule) {
    const pluginsFrom = f.import("pluginsFrom", runtime);
    const from =
      options.userSource !== undefined ? { file: USER_ADMISSION_FILE } : { module: userModuleSpecifier(model.admissionModule, options.outputDir) };
    const plugins = f.import("plugins", from);
    f.jsDoc(`The admission plugins of ${model.admissionModule}, in order; they run after the built-in ones.`);
    f.print(
      `export const userAdmissionPlugins: readonly ${pluginType}[] = ${pluginsFrom}(${plugins}, ${JSON.stringify(model.admissionModule)});`,
    );
  } else {
    f.jsDoc("No definitions/admission.ts: no user admission plugins.");
    f.print(`export const userAdmissionPlugins: readonly ${pluginType}[] = [];`);
  }
  const files = [f.toFile()];
  if (model.admissionModule && options.userSource !== undefined) {
    files.push({ path: USER_ADMISSION_FILE, content: `// Copied from ${model.admissionModule}; edit that file.\n${options.userSource}`, language: "typescript" });
  }
  return files;
}

/** Registered by whoever wires user admission into the generated server (see the note in emitAdmission). */
export const admissionEmitter: Emitter = {
  name: "admission",
  description: "src/admission.ts: the user's admission plugins from definitions/admission.ts",
  emit: (model, ctx) => emitAdmission(model, ctx),
};
