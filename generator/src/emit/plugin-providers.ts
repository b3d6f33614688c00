/**
 * `src/connect.ts` of the generated package: the user's log/exec providers by
 * group-version, for the server's runServer. Each `definitions/<g>/<v>/connect.ts`
 * is copied to `src/user/<g>/<v>/connect.ts` (the package compiles only its
 * own src/); type-only imports of sibling definition files (`./trainingjob.js`)
 * are pointed at the generated types of that group-version, which declare the
 * same names. Other imports must be packages (the runtime).
 */
import path from "node:path";
import { TsFile } from "../codegen/ts-file.js";
import type { EmittedFile } from "../codegen/file.js";
import type { ConnectModule } from "../model/types.js";
import type { Emitter } from "./emitter.js";

export const CONNECT_INDEX = "src/connect.ts";

function copyPath(m: ConnectModule): string {
  return `src/user/${m.group}/${m.version}/connect.ts`;
}

/** `import type { X } from "./kind.js"` -> the generated types module, relative to the copy. */
function retargetTypeImports(m: ConnectModule): string {
  const types = path.posix.relative(path.posix.dirname(copyPath(m)), `src/${m.group}/${m.version}/types.js`);
  return m.source.replace(/(import\s+type\s+\{[^}]*\}\s+from\s+)(["'])\.\/[^"']+\.js\2/g, (_all, head: string, q: string) => `${head}${q}${types}${q}`);
}

export const pluginProvidersEmitter: Emitter = {
  name: "connect-providers",
  description: "src/connect.ts: the user's log/exec providers (definitions/<group>/<version>/connect.ts, copied to src/user/)",
  emit(model, ctx) {
    const f = new TsFile(CONNECT_INDEX);
    const providersT = f.importType("ConnectProviders", { module: `${ctx.runtimeModule}/connect` });
    f.declare("connectProviders");
    const modules = model.connectModules ?? [];
    const entries = modules.map((m) => `${JSON.stringify(`${m.group}/${m.version}`)}: ${f.importAs("providers", `${m.group.split(".")[0]}${m.version}Providers`, { file: copyPath(m) })}`);
    f.jsDoc(
      modules.length
        ? `Providers of log/exec by group-version, from ${modules.map((m) => m.file).join(", ")}; kinds not listed use the built-in pod proxy.`
        : "No connect.ts in definitions/: log and exec use the built-in pod proxy only.",
    );
    f.print(`export const connectProviders: Record<string, ${providersT}> = {${entries.join(", ")}};`);
    const copies: EmittedFile[] = modules.map((m) => ({
      path: copyPath(m),
      content: `// Copied from ${m.file} by skai-gen; edit that file.\n${retargetTypeImports(m)}`,
      language: "typescript",
    }));
    return [f.toFile(), ...copies];
  },
};
