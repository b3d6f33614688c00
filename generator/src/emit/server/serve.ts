/**
 * `src/server/index.ts`: `serve(argv, extensions)`, the server of every served
 * group-version with the project's extensions, exported as the generated
 * package's `./server`. A project with extensions calls it from its own main
 * (configuration `server.main`); otherwise the generated bin (main.ts) does.
 */
import { TsFile } from "../../codegen/ts-file.js";
import type { EmittedFile } from "../../codegen/file.js";
import type { ApiModel } from "../../model/types.js";
import type { EmitContext } from "../emitter.js";
import { CONVERSION_FUNCTIONS, conversionFile, convertingGroups, needsFunctions, REQUIRED_FUNCTIONS, WITH_CONVERSIONS } from "../conversion.js";
import { groupVersionDir, groupVersionNamer, servedVersions } from "../naming.js";
import { EXTENSIONS_FILE, extensionsOptional, groupTypePrefix, SERVER_EXTENSIONS } from "./extensions.js";

export const SERVE_FILE = "src/server/index.ts";

export function emitServe(model: ApiModel, ctx: EmitContext): EmittedFile {
  const f = new TsFile(SERVE_FILE);
  f.declare("serve");
  const runtime = { module: ctx.runtimeModule };
  const served = servedVersions(model.groups);
  const gvName = groupVersionNamer(model.groups);
  const converting = new Map(convertingGroups(model).map((plan) => [plan.group, plan]));
  const Extensions = f.importType(SERVER_EXTENSIONS, { file: EXTENSIONS_FILE });

  // Each group's lists, in serving order; a group with conversions gets them from the project's functions.
  const lists = model.groups.flatMap((group) => {
    const own = served
      .filter((s) => s.group === group)
      .map(({ version }) => f.importAs("resources", `${gvName(group, version)}Resources`, { file: `${groupVersionDir(group, version)}/resources.ts` }));
    const plan = converting.get(group);
    if (!plan || own.length === 0) return own;
    const withConversions = f.importAs(WITH_CONVERSIONS, `with${groupTypePrefix(group)}Conversions`, { file: conversionFile(group) });
    // `?.` even where the type requires them: a run from source is not type-checked, and the server says what is missing.
    const fns = `extensions.conversions?.[${JSON.stringify(group.name)}]`;
    return [`${withConversions}(${spread(own)}, ${fns})`];
  });
  // The functions each group needs, checked by the server before it serves.
  const required = [...converting.values()]
    .filter(needsFunctions)
    .map(({ group }) => {
      const list = f.importAs(REQUIRED_FUNCTIONS, `${groupTypePrefix(group)[0].toLowerCase()}${groupTypePrefix(group).slice(1)}RequiredFunctions`, { file: conversionFile(group) });
      return `{ group: ${JSON.stringify(group.name)}, functions: extensions.conversions?.[${JSON.stringify(group.name)}], required: ${list} }`;
    });
  const names = { program: ctx.names.serverBin, stateDir: ctx.names.stateDir, etcdPrefix: ctx.names.etcdPrefix, kubeconfigContext: ctx.names.kubeconfigContext };

  f.jsDoc(
    [
      `Serves ${model.groups.map((g) => g.name).join(", ")} as ${ctx.names.serverBin}, with the project's extensions; \`argv\` are`,
      "kube-apiserver-style flags (`--help` lists them). Call it on the serving thread, whose stack holds",
      "objects as deeply nested as kube's decoders accept: the program's bin starts that thread on the",
      "module that calls serve() (`runOnServingThread` of the runtime's `server/serving-thread`).",
    ].join("\n"),
  );
  f.print(
    `export async function serve(argv: string[], extensions: ${Extensions}${extensionsOptional(model) ? " = {}" : ""}): Promise<${f.importType("RunningServer", runtime)} | undefined> {`,
    `  const resources = ${lists.length === 1 ? lists[0] : spread(lists)};`,
    "  // The OpenAPI documents are files of this package.",
    `  const openapi = ${f.import("loadOpenAPIDocuments", runtime)}(new URL("../../", import.meta.url), ${JSON.stringify(served.map(({ group, version }) => `${group.name}/${version.name}`))});`,
    `  return ${f.import("runServer", runtime)}(argv, resources, openapi, {`,
    `    names: ${JSON.stringify(names)},`,
    "    admissionPlugins: extensions.admission,",
    ...(required.length ? [`    conversionFunctions: [${required.join(", ")}],`] : []),
    ...(model.groups.some((g) => g.versions.some((v) => v.served && v.kinds.some((k) => k.subresources.log || k.subresources.exec))) ? ["    connect: extensions.connect,"] : []),
    "  });",
    "}",
  );
  // With each group's conversion functions by name, for a project's module of them to declare its type.
  const functionTypes = [...converting.values()].map((plan) =>
    f.importAs(CONVERSION_FUNCTIONS, `${groupTypePrefix(plan.group)}${CONVERSION_FUNCTIONS}`, { file: conversionFile(plan.group) }, { typeOnly: true }),
  );
  f.print("", `export type { ${[Extensions, ...functionTypes].join(", ")} };`);
  return f.toFile();
}

/** `[...a, ...b]`: one array of the arrays' elements. */
function spread(arrays: string[]): string {
  return `[${arrays.map((a) => `...${a}`).join(", ")}]`;
}
