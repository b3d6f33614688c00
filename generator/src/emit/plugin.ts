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

/** `@skai/api` -> `skai`: the plugin is `kubectl-skai`, run as `kubectl skai`. */
export function pluginName(packageName: string): string {
  const m = /^@([^/]+)\//.exec(packageName);
  return (m ? m[1] : packageName).toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

export function pluginPath(packageName: string): string {
  return `src/plugin/kubectl-${pluginName(packageName)}.ts`;
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
  description: "src/plugin/kubectl-<name>.ts: kubectl plugin for the log and exec subresources",
  emit(model, ctx) {
    const f = new TsFile(pluginPath(ctx.packageName), "typescript", { hashbang: true });
    const run = f.import("runKubectlPlugin", { module: `${ctx.clientModule}/plugin` });
    const name = pluginName(ctx.packageName);
    f.print(
      `// kubectl finds kubectl-${name} on the PATH and runs it as \`kubectl ${name} ...\`.`,
      `process.exitCode = await ${run}(process.argv.slice(2), { name: ${JSON.stringify(name)}, kinds: ${JSON.stringify(pluginKinds(model))} });`,
    );
    return [f.toFile()];
  },
};
