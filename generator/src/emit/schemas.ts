/**
 * `src/<group>/<version>/schemas.ts`: each kind's structural schema as a
 * typed constant (`NotebookSchema`), for the server (pruning, defaulting,
 * CEL) and for anyone who wants to look at what the server enforces.
 */
import { TsFile } from "../codegen/ts-file.js";
import type { EmittedFile } from "../codegen/file.js";
import type { Emitter } from "./emitter.js";
import { buildStructuralSchema } from "./schema/structural.js";
import { gvDir } from "./types.js";

export const schemasEmitter: Emitter = {
  name: "schemas",
  description: "structural schema of every kind, per group-version (src/<group>/<version>/schemas.ts)",
  emit(model, ctx) {
    const files: EmittedFile[] = [];
    for (const g of model.groups)
      for (const v of g.versions) {
        const f = new TsFile(`${gvDir(g.name, v.name)}/schemas.ts`);
        f.declare(...v.kinds.map((k) => `${k.name}Schema`));
        const type = f.importType("StructuralSchema", { module: ctx.runtimeModule });
        for (const k of v.kinds) {
          f.jsDoc(`Structural schema of ${k.name} (${g.name}/${v.name}), as a CustomResourceDefinition would carry it.`);
          const schema = JSON.stringify(buildStructuralSchema(model, g.name, v.name, k.name), null, 2);
          f.print(`export const ${k.name}Schema: ${type} = ${schema};`, "");
        }
        files.push(f.toFile());
      }
    return files;
  },
};
