import { TsFile } from "../../codegen/ts-file.js";
import type { EmittedFile } from "../../codegen/file.js";
import type { EmitContext } from "../emitter.js";
import { SERVE_FILE } from "./serve.js";

const STANDALONE_FILE = "src/server/standalone.ts";

/**
 * The server bin of an API without extensions (no `server.main` in the
 * configuration): `src/server/main.ts` starts the serving thread on
 * `src/server/standalone.ts`, which calls serve() with no extensions. A
 * project's own main is the same pair of files, its server passing its extensions.
 */
export function emitServerBin(ctx: EmitContext): EmittedFile[] {
  const main = new TsFile("src/server/main.ts", "typescript", { hashbang: true });
  main.print(
    "// The server runs on a thread whose stack holds objects as deeply nested as kube's decoders accept.",
    `${main.import("runOnServingThread", { module: `${ctx.runtimeModule}/server/serving-thread` })}(new URL("./standalone.js", import.meta.url));`,
  );
  const standalone = new TsFile(STANDALONE_FILE);
  standalone.print(`await ${standalone.import("serve", { file: SERVE_FILE })}(process.argv.slice(2));`);
  return [main.toFile(), standalone.toFile()];
}
