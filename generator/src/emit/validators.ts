/**
 * Validators compiled ahead of time: per kind, `validate/<kind>.js` holds
 * Ajv's standalone code for the kind's structural schema (plus a `.d.ts`), so
 * the server never compiles a schema at start-up; per group-version,
 * `validation.ts` wires each kind's `applyDefaults` and `validate` through
 * the runtime (defaults, schema errors worded as Kubernetes, list types, CEL).
 */
import { TsFile } from "../codegen/ts-file.js";
import type { EmittedFile } from "../codegen/file.js";
import { buildStructuralSchema } from "../model/structural-schema.js";
import type { GroupModel, VersionModel } from "../model/types.js";
import type { Emitter } from "./emitter.js";
import { groupVersionDir } from "./naming.js";
import { compileStandalone, newAjv } from "./schema/ajv.js";

function validatorPath(group: GroupModel, version: VersionModel, kind: string): string {
  return `${groupVersionDir(group, version)}/validate/${kind.toLowerCase()}.js`;
}

export const validatorsEmitter: Emitter = {
  name: "validators",
  description: "ahead-of-time compiled Ajv validators per kind and validation.ts per group-version",
  emit(model, ctx) {
    const files: EmittedFile[] = [];
    for (const g of model.groups)
      for (const v of g.versions) {
        const wiring = new TsFile(`${groupVersionDir(g, v)}/validation.ts`);
        wiring.declare(...v.kinds.map((k) => `${k.name}Validation`), "validations");
        const create = wiring.import("createSchemaValidation", { module: ctx.runtimeModule });
        const validationType = wiring.importType("SchemaValidation", { module: ctx.runtimeModule });
        for (const k of v.kinds) {
          const js = validatorPath(g, v, k.name);
          const fn = `validate${k.name}`;
          // One Ajv per schema: standalone code of an instance holds every schema it compiled.
          const code = compileStandalone(buildStructuralSchema(model, g.name, v.name, k.name), newAjv());
          // Machine code that nobody edits: Ajv lays it out line by line; prettier would cost seconds.
          files.push({ path: js, content: `${code}\nexport const ${fn} = validate;\n`, language: "javascript", preformatted: true });
          const dts = new TsFile(js.replace(/\.js$/, ".d.ts"));
          const compiled = dts.importType("CompiledValidator", { module: ctx.runtimeModule });
          dts.print(
            `/** Ajv standalone validator of ${k.name}'s structural schema; errors are Ajv ErrorObjects. */`,
            `export declare const validate: ${compiled};`,
            `export declare const ${fn}: ${compiled};`,
            `export default validate;`,
          );
          files.push(dts.toFile());

          const schema = wiring.import(`${k.name}Schema`, { file: `${groupVersionDir(g, v)}/schemas.ts` });
          const validator = wiring.import(fn, { file: js });
          wiring.jsDoc(`Defaulting and validation of ${k.name}, as the API server runs them.`);
          wiring.print(`export const ${k.name}Validation: ${validationType} = ${create}(${schema}, ${validator});`, "");
        }
        wiring.jsDoc("Every kind's validation, by kind.");
        wiring.print(
          `export const validations: Record<string, ${validationType}> = {`,
          ...v.kinds.map((k) => `  ${k.name}: ${k.name}Validation,`),
          "};",
        );
        files.push(wiring.toFile());
      }
    return files;
  },
};
