/**
 * `src/plugin/kubectl-<name>.ts`: the kubectl plugin bin (`kubectl <name> logs
 * notebook/nb1 -f`, `kubectl <name> exec -it notebook/nb1 -- bash`). kubectl's
 * own logs and exec only know Pods, so this speaks our log and exec
 * subresources; all logic is in the runtime (connect/plugin), this file only
 * lists the kinds that have them.
 */
import { TsFile } from "../codegen/ts-file.js";
import type { ApiModel } from "../model/types.js";
import type { Emitter } from "./emitter.js";

/** The plugin's bin file, `src/plugin/kubectl-<name>.ts`, for `ctx.names.kubectlPlugin`. */
function pluginPath(name: string): string {
  return `src/plugin/kubectl-${name}.ts`;
}

/** Whether the API has a kubectl plugin: only kinds with log or exec need one (kubectl's own commands serve the rest). */
export function hasKubectlPlugin(model: ApiModel): boolean {
  return pluginKinds(model).length > 0;
}

/** One entry per kind with log or exec, at the group's most preferred served version. */
function pluginKinds(model: ApiModel) {
  const kinds = [];
  for (const g of model.groups) {
    const seen = new Set<string>();
    for (const v of g.versions) {
      if (!v.served) continue;
      for (const k of v.kinds) {
        if (seen.has(k.name) || (!k.subresources.log && !k.subresources.exec)) continue;
        seen.add(k.name);
        kinds.push({
          group: g.name,
          version: v.name,
          kind: k.name,
          plural: k.plural,
          singular: k.singular,
          shortNames: k.shortNames,
          namespaced: k.scope === "Namespaced",
          log: k.subresources.log,
          exec: k.subresources.exec,
        });
      }
    }
  }
  return kinds;
}

export const pluginEmitter: Emitter = {
  name: "kubectl-plugin",
  description: "src/plugin/kubectl-<name>.ts: kubectl plugin for the log and exec subresources, when some kind has them",
  emit(model, ctx) {
    const kinds = pluginKinds(model);
    if (kinds.length === 0) return [];
    const name = ctx.names.kubectlPlugin;
    const f = new TsFile(pluginPath(name), "typescript", { hashbang: true });
    const run = f.import("runKubectlPlugin", { module: `${ctx.clientModule}/plugin` });
    f.print(
      `// kubectl finds kubectl-${name} on the PATH and runs it as \`kubectl ${name} ...\`.`,
      `process.exitCode = await ${run}(process.argv.slice(2), { name: ${JSON.stringify(name)}, kinds: ${JSON.stringify(kinds)} });`,
    );
    return [f.toFile()];
  },
};
