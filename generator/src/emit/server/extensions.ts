/**
 * `src/server/extensions.ts`: `ServerExtensions`, what a project adds to the
 * generated server (admission plugins, log/exec providers, conversion
 * functions) and passes to `serve()` from its own main, as sample-apiserver's
 * main composes its admission plugins with the generated code. The type is
 * exact to the API: connect providers are keyed by the group-versions and
 * kinds that have log or exec, and a conversion function the schema needs is a
 * required member, so leaving it out is a compile error in the project's main.
 */
import { TsFile } from "../../codegen/ts-file.js";
import type { EmittedFile } from "../../codegen/file.js";
import type { ApiModel, GroupModel } from "../../model/types.js";
import type { EmitContext } from "../emitter.js";
import { CONVERSION_FUNCTIONS, conversionFile, convertingGroups, needsFunctions } from "../conversion.js";
import { servedVersions } from "../naming.js";

export const EXTENSIONS_FILE = "src/server/extensions.ts";

export const SERVER_EXTENSIONS = "ServerExtensions";

/** `skai.io` -> `SkaiIo`: a group's prefix for the names this package exports per group. */
export function groupTypePrefix(group: GroupModel): string {
  return group.name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}

/** Whether `serve()` can be called without extensions (nothing in them is required). */
export function extensionsOptional(model: ApiModel): boolean {
  return !convertingGroups(model).some(needsFunctions);
}

export function emitServerExtensions(model: ApiModel, ctx: EmitContext): EmittedFile {
  const f = new TsFile(EXTENSIONS_FILE);
  f.declare(SERVER_EXTENSIONS);
  const AdmissionPlugin = f.importType("AdmissionPlugin", { module: `${ctx.runtimeModule}/admission` });
  const members: string[] = [
    "  /** Admission plugins, run in this order after the built-in ones (NamespaceLifecycle in a cluster): every mutation, then every validation. */",
    `  admission?: readonly ${AdmissionPlugin}[];`,
  ];

  const connecting = servedVersions(model.groups)
    .map(({ group, version }) => ({ gv: `${group.name}/${version.name}`, kinds: version.kinds.filter((k) => k.subresources.log || k.subresources.exec) }))
    .filter((c) => c.kinds.length > 0);
  if (connecting.length) {
    const ConnectProvider = f.importType("ConnectProvider", { module: `${ctx.runtimeModule}/connect` });
    members.push(
      "  /** log/exec providers by group-version and kind; a kind without one uses the built-in pod proxy (its `@subresource log` pod). */",
      "  connect?: {",
      ...connecting.map((c) => `    ${JSON.stringify(c.gv)}?: { ${c.kinds.map((k) => `${k.name}?: ${ConnectProvider}`).join("; ")} };`),
      "  };",
    );
  }

  const groups = convertingGroups(model);
  if (groups.length) {
    const anyRequired = groups.some(needsFunctions);
    members.push(
      "  /** Conversion functions by group (conversion-gen's names), called after the fields that map by name are copied. */",
      `  conversions${anyRequired ? "" : "?"}: {`,
      ...groups.map(
        (plan) =>
          `    ${JSON.stringify(plan.group.name)}${needsFunctions(plan) ? "" : "?"}: ${f.importAs(CONVERSION_FUNCTIONS, `${groupTypePrefix(plan.group)}${CONVERSION_FUNCTIONS}`, { file: conversionFile(plan.group) }, { typeOnly: true })};`,
      ),
      "  };",
    );
  }

  f.jsDoc(
    [
      `What a project adds to the server of ${model.groups.map((g) => g.name).join(", ")}; its own main passes it`,
      "to `serve()` (configuration `server.main`).",
    ].join("\n"),
  );
  f.print(`export interface ${SERVER_EXTENSIONS} {`, ...members, "}");
  return f.toFile();
}
