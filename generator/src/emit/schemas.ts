/**
 * `src/<group>/<version>/schemas.js` (+ `.d.ts`): each kind's structural
 * schema as a typed constant (`NotebookSchema`), for the server (pruning,
 * defaulting, CEL) and for anyone who wants to look at what the server
 * enforces. The schemas are data, serialised with JSON.stringify, so the
 * module is JavaScript with a declaration file beside it.
 */
import { TsFile } from "../codegen/ts-file.js";
import type { EmittedFile } from "../codegen/file.js";
import { buildStructuralSchema } from "../model/structural-schema.js";
import type { Emitter } from "./emitter.js";
import { groupVersionDir } from "./naming.js";

export const schemasEmitter: Emitter = {
  name: "schemas",
  description: "structural schema of every kind, per group-version (src/<group>/<version>/schemas.js)",
  emit(model, ctx) {
    const files: EmittedFile[] = [];
    for (const g of model.groups)
      for (const v of g.versions) {
        const path = `${groupVersionDir(g, v)}/schemas.js`;
        const js = v.kinds.map((k) => {
          const schema = JSON.stringify(buildStructuralSchema(model, g.name, v.name, k.name), null, 2);
          return `/** Structural schema of ${k.name} (${g.name}/${v.name}), as a CustomResourceDefinition would carry it. */\nexport const ${k.name}Schema = ${schema};\n`;
        });
        files.push({ path, content: js.join("\n"), language: "javascript", preformatted: true });

        const dts = new TsFile(path.replace(/\.js$/, ".d.ts"));
        dts.declare(...v.kinds.map((k) => `${k.name}Schema`));
        const type = dts.importType("StructuralSchema", { module: ctx.runtimeModule });
        for (const k of v.kinds) {
          dts.jsDoc(`Structural schema of ${k.name} (${g.name}/${v.name}), as a CustomResourceDefinition would carry it.`);
          dts.print(`export declare const ${k.name}Schema: ${type};`, "");
        }
        files.push(dts.toFile());
      }
    return files;
  },
};
