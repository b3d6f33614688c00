/**
 * The typed client (`@skai/api/client`): `src/client/<group>/<version>.ts` per
 * group-version and `src/client/index.ts` with the client class, so users write
 * `new SkaiClient().skaiV1alpha1.notebooks("ns").get("x")`. The logic is in
 * the runtime's client (`<runtime>/client/index`); this only names and types it.
 */
import { TsFile } from "../codegen/ts-file.js";
import type { EmittedFile } from "../codegen/file.js";
import type { ApiModel } from "../model/types.js";
import type { EmitContext, Emitter } from "./emitter.js";
import { type GvExports, groupVersionFile } from "./client/group-version.js";
import { groupVersionNamer } from "./naming.js";

/** Runtime names the client module re-exports so users need one import. */
const RUNTIME_VALUES = [
  "ApiError",
  "TimeoutError",
  "isAlreadyExists",
  "isBadRequest",
  "isConflict",
  "isExpired",
  "isForbidden",
  "isInvalid",
  "isNotFound",
  "isTimeout",
  "isTooManyRequests",
  "isUnauthorized",
  "retryOnConflict",
  "retryOn",
  "SharedInformer",
  "Lister",
  "NamespaceLister",
  "ResourceClient",
  "Watch",
  "objectKey",
  "WorkQueue",
  "compactManagedFields",
  "stripManagedFields",
];
const RUNTIME_TYPES = [
  "ClientConfig",
  "ClientOptions",
  "CreateInput",
  "CreateOptions",
  "DeleteOptions",
  "DeleteCollectionOptions",
  "EventHandler",
  "GetOptions",
  "InformerOptions",
  "JsonPatchOperation",
  "LabelSelector",
  "FieldSelector",
  "ListOptions",
  "LogOptions",
  "MergePatch",
  "PatchOptions",
  "Scale",
  "Status",
  "UpdateOptions",
  "WatchEvent",
  "WatchOptions",
];

export const clientEmitter: Emitter = {
  name: "client",
  description: "typed client (src/client): per group-version clients and informers over the runtime's client",
  emit(model, ctx) {
    const accessorOf = groupVersionNamer(model.groups);
    const files: EmittedFile[] = [];
    const gvs: Array<{ accessor: string; ex: GvExports }> = [];
    for (const g of model.groups) {
      for (const v of g.versions) {
        if (!v.served) continue;
        const accessor = accessorOf(g, v);
        const { file, exports } = groupVersionFile(g, v, accessor, ctx);
        files.push(file);
        gvs.push({ accessor, ex: exports });
      }
    }
    files.push(indexFile(gvs, ctx, model));
    return files;
  },
};

function indexFile(gvs: Array<{ accessor: string; ex: GvExports }>, ctx: EmitContext, model: ApiModel): EmittedFile {
  const f = new TsFile("src/client/index.ts");
  const rt = { module: ctx.clientModule };
  const clientClass = ctx.names.clientClass;
  const informersClass = informersClassFor(clientClass);
  f.declare(clientClass, informersClass);

  const base = f.import("ClientBase", rt);
  const config = f.importType("ClientConfig", rt);
  const factory = f.importType("SharedInformerFactory", rt);
  const groups = model.groups.map((g) => g.name).join(", ");

  f.jsDoc(`Shared informers of every kind, by group-version; \`start()\` after asking for the ones you need.`);
  f.print(`export class ${informersClass} {`);
  for (const { accessor, ex } of gvs) f.print(`  readonly ${accessor}: ${f.import(ex.informersClass, { file: ex.path })};`);
  f.print("", `  constructor(readonly factory: ${factory}) {`);
  for (const { accessor, ex } of gvs) f.print(`    this.${accessor} = new ${f.import(ex.informersClass, { file: ex.path })}(factory);`);
  f.print("  }", "");
  f.print("  /** Starts every informer asked for so far, and later ones as they are created. */");
  f.print("  start(): void {", "    this.factory.start();", "  }", "");
  f.print("  /** Resolves when every informer asked for so far has listed. */");
  f.print("  waitForCacheSync(signal?: AbortSignal): Promise<void> {", "    return this.factory.waitForCacheSync(signal);", "  }", "");
  f.print("  shutdown(): void {", "    this.factory.shutdown();", "  }", "}", "");

  f.jsDoc(
    `Client of the API (${groups}). Connects as kubectl does: \`new ${clientClass}()\` follows KUBECONFIG, ~/.kube/config or the in-cluster service account; pass a KubeConfig, a kubeconfig path or options to choose.`,
  );
  f.print(`export class ${clientClass} extends ${base} {`);
  for (const { accessor, ex } of gvs) f.print(`  readonly ${accessor}: ${f.import(ex.clientClass, { file: ex.path })};`);
  f.print(`  readonly informers: ${informersClass};`, "");
  f.print(`  constructor(config?: ${config}) {`, `    super(config, { userAgent: ${JSON.stringify(ctx.names.clientUserAgent)} });`);
  for (const { accessor, ex } of gvs) f.print(`    this.${accessor} = new ${f.import(ex.clientClass, { file: ex.path })}(this);`);
  f.print(`    this.informers = new ${informersClass}(this.informerFactory);`, "  }", "}", "");

  // Re-exports, through TsFile's imports so names stay consistent and deduplicated.
  const values = RUNTIME_VALUES.map((n) => f.import(n, rt));
  const types = RUNTIME_TYPES.map((n) => f.importType(n, rt));
  // Per-kind names (NotebookClient, notebooksResource) come flat from the first group-version that has
  // them: versions are in priority order, so that is the preferred one. Other versions' same-named
  // exports stay in their module (`@skai/api/client/<group>/<version>`), never aliased into this one.
  const exported = new Set<string>([...RUNTIME_VALUES, ...RUNTIME_TYPES, clientClass, informersClass]);
  const claim = (n: string) => !exported.has(n) && (exported.add(n), true);
  for (const { ex } of gvs) {
    const classes = [ex.clientClass, ex.informersClass];
    for (const n of ex.values) if (!classes.includes(n) && claim(n)) values.push(f.import(n, { file: ex.path }));
    for (const n of classes) if (claim(n)) values.push(f.import(n, { file: ex.path }));
    for (const n of ex.types) if (claim(n)) types.push(f.importType(n, { file: ex.path }));
  }
  f.print(`export { ${[...new Set(values)].join(", ")} };`);
  f.print(`export type { ${[...new Set(types)].join(", ")} };`);
  return f.toFile();
}

/** `ShopClient` -> `ShopInformers`; a configured class not ending in Client gets the suffix added. */
function informersClassFor(clientClass: string): string {
  return clientClass.endsWith("Client") ? `${clientClass.slice(0, -"Client".length)}Informers` : `${clientClass}Informers`;
}
