import { TsFile } from "../../codegen/ts-file.js";
import type { EmittedFile } from "../../codegen/file.js";
import type { ApiModel } from "../../model/types.js";
import type { EmitContext } from "../emitter.js";
import { ADMISSION_FILE } from "../admission.js";
import { CONNECT_INDEX } from "../plugin-providers.js";
import { groupVersionDir, groupVersionIdentifier, servedVersions } from "../naming.js";

/** `src/server/main.ts`: the `skai-apiserver` bin, which starts `serve.ts` on a serving thread. */
export function emitServerMain(ctx: EmitContext): EmittedFile {
  const f = new TsFile("src/server/main.ts", "typescript", { hashbang: true });
  const runOnServingThread = f.import("runOnServingThread", { module: `${ctx.runtimeModule}/server/serving-thread` });
  f.print(
    "// The server runs on a thread whose stack holds objects as deeply nested as kube's decoders accept.",
    `${runOnServingThread}(new URL("./serve.js", import.meta.url));`,
  );
  return f.toFile();
}

/** `src/server/serve.ts`: the server itself, serving every served group-version. */
export function emitServerServe(model: ApiModel, ctx: EmitContext): EmittedFile {
  const f = new TsFile("src/server/serve.ts", "typescript");
  const runtime = { module: ctx.runtimeModule };
  const runServer = f.import("runServer", runtime);
  const loadOpenAPIDocuments = f.import("loadOpenAPIDocuments", runtime);
  const served = servedVersions(model.groups);
  const lists = served.map(({ group, version }) =>
    f.importAs("resources", `${groupVersionIdentifier(group, version)}Resources`, {
      file: `${groupVersionDir(group, version)}/resources.ts`,
    }),
  );
  f.print(
    `const resources = [${lists.map((l) => `...${l}`).join(", ")}];`,
    "",
    "// The OpenAPI documents are files of this package, read once at start-up.",
    `const openapi = ${loadOpenAPIDocuments}(new URL("../../", import.meta.url), ${JSON.stringify(
      served.map(({ group, version }) => `${group.name}/${version.name}`),
    )});`,
    "",
    "",
    "// log/exec: the user's providers (definitions/<group>/<version>/connect.ts), else the built-in pod proxy.",
    `await ${runServer}(process.argv.slice(2), resources, openapi, {`,
    `  names: ${JSON.stringify({ program: ctx.names.serverBin, stateDir: ctx.names.stateDir, etcdPrefix: ctx.names.etcdPrefix, kubeconfigContext: ctx.names.kubeconfigContext })},`,
    `  connect: ${f.import("connectProviders", { file: CONNECT_INDEX })},`,
    "  // definitions/admission.ts: run after the built-in plugins (NamespaceLifecycle in a cluster).",
    `  admissionPlugins: ${f.import("userAdmissionPlugins", { file: ADMISSION_FILE })},`,
    "});",
  );
  return f.toFile();
}
