import { TsFile } from "../../codegen/ts-file.js";
import type { EmittedFile } from "../../codegen/file.js";
import { pascal } from "../../model/naming.js";
import type { GroupModel, KindModel, VersionModel } from "../../model/types.js";
import type { EmitContext } from "../emitter.js";
import { groupVersionDir } from "../naming.js";

/** The names a group-version module exports, for the index to re-export. */
export interface GvExports {
  path: string;
  clientClass: string;
  informersClass: string;
  values: string[];
  types: string[];
}

/**
 * `src/client/<group>/<version>.ts`: per kind a descriptor and a client type,
 * then the group-version's client (`notebooks(ns)`, `queues()`) and
 * informers. Everything is a typed alias or a one-line call into the runtime.
 */
export function groupVersionFile(g: GroupModel, v: VersionModel, accessor: string, ctx: EmitContext): { file: EmittedFile; exports: GvExports } {
  const path = `src/client/${g.name}/${v.name}.ts`;
  const f = new TsFile(path);
  const rt = { module: ctx.clientModule };
  const typesFile = { file: `${groupVersionDir(g, v)}/types.ts` };
  const gvName = pascal(accessor);
  const clientClass = `${gvName}Client`;
  const informersClass = `${gvName}Informers`;
  const ex: GvExports = { path, clientClass, informersClass, values: [clientClass, informersClass], types: [] };
  f.declare(clientClass, informersClass, ...v.kinds.flatMap((k) => [descriptorName(k), clientTypeName(k)]));

  const descriptorT = f.importType("ResourceDescriptor", rt);
  const resourceClient = f.importType("ResourceClient", rt);
  for (const k of v.kinds) {
    const kindT = f.importType(k.name, typesFile);
    const listT = f.importType(k.listKind, typesFile);
    const d = descriptorName(k);
    const desc = {
      group: g.name,
      version: v.name,
      kind: k.name,
      listKind: k.listKind,
      plural: k.plural,
      namespaced: k.scope === "Namespaced",
      subresources: { status: k.subresources.status, scale: !!k.subresources.scale, log: k.subresources.log, exec: k.subresources.exec },
    };
    f.print(`/** Where ${k.name} objects live on the server. */`);
    // the kind's protobuf messages ride along for clients that opt into protobuf
    const protobuf = f.import(`${k.name}Protobuf`, { file: `src/${g.name}/${v.name}/protobuf.ts` });
    f.print(`export const ${d}: ${descriptorT} = ${JSON.stringify(desc).slice(0, -1)}, protobuf: ${protobuf} };`, "");
    const missing = missingMethods(k);
    const full = `${resourceClient}<${kindT}, ${listT}>`;
    f.jsDoc(`Typed client of ${k.name} objects${missing.length ? ` (no ${missing.join(", ")}: not declared for this kind)` : ""}.`);
    f.print(`export type ${clientTypeName(k)} = ${missing.length ? `Omit<${full}, ${missing.map((m) => JSON.stringify(m)).join(" | ")}>` : full};`, "");
    ex.values.push(d);
    ex.types.push(clientTypeName(k));
  }

  const clientBase = f.importType("ClientBase", rt);
  f.jsDoc(`Clients of the ${g.name}/${v.name} kinds.`);
  f.print(`export class ${clientClass} {`, `  constructor(private readonly base: ${clientBase}) {}`, "");
  for (const k of v.kinds) {
    const kindT = f.importType(k.name, typesFile);
    const listT = f.importType(k.listKind, typesFile);
    if (k.scope === "Namespaced") {
      f.jsDoc(`${k.name} objects in \`namespace\`; without it, list, watch and create (from metadata.namespace) span all namespaces.`, []);
      f.print(`  ${k.plural}(namespace?: string): ${clientTypeName(k)} {`);
      f.print(`    return this.base.resource<${kindT}, ${listT}>(${descriptorName(k)}, namespace);`, "  }", "");
    } else {
      f.jsDoc(`${k.name} objects (cluster-scoped).`);
      f.print(`  ${k.plural}(): ${clientTypeName(k)} {`);
      f.print(`    return this.base.resource<${kindT}, ${listT}>(${descriptorName(k)});`, "  }", "");
    }
  }
  f.print("}", "");

  const factory = f.importType("SharedInformerFactory", rt);
  const informer = f.importType("SharedInformer", rt);
  const informerOptions = f.importType("InformerOptions", rt);
  f.jsDoc(`Shared informers of the ${g.name}/${v.name} kinds: one list+watch and cache per kind and selection.`);
  f.print(`export class ${informersClass} {`, `  constructor(private readonly factory: ${factory}) {}`, "");
  for (const k of v.kinds) {
    const kindT = f.importType(k.name, typesFile);
    f.jsDoc(`The shared informer of ${k.name} objects${k.scope === "Namespaced" ? " (all namespaces unless \`options.namespace\`)" : ""}; created on first use.`);
    f.print(`  ${k.plural}(options?: ${informerOptions}<${kindT}>): ${informer}<${kindT}> {`);
    f.print(`    return this.factory.informerFor<${kindT}>(${descriptorName(k)}, options);`, "  }", "");
  }
  f.print("}");
  return { file: f.toFile(), exports: ex };
}

function descriptorName(k: KindModel): string {
  return `${k.plural}Resource`;
}

function clientTypeName(k: KindModel): string {
  return `${k.name}Client`;
}

/** Methods of the generic client a kind does not have, so calling them is a compile error. */
function missingMethods(k: KindModel): string[] {
  const out: string[] = [];
  if (!k.subresources.status) out.push("updateStatus", "patchStatus");
  if (!k.subresources.scale) out.push("getScale", "updateScale", "patchScale");
  if (!k.subresources.log) out.push("log", "logStream");
  if (!k.subresources.exec) out.push("exec");
  return out;
}
