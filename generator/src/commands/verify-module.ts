import path from "node:path";
import type { CommandModule } from "yargs";
import { folder, projectConfig, type GlobalArgs } from "./options.js";
import { guard } from "./report.js";
import { verifyCommand } from "./verify.js";

interface VerifyArgs extends GlobalArgs {
  definitions?: string;
  out?: string;
  "cert-dir"?: string;
}

export const verifyModule: CommandModule<GlobalArgs, VerifyArgs> = {
  command: "verify",
  describe: "Exit 1, listing stale files, when the output differs from what generate would write",
  builder: (y) =>
    y
      .option("definitions", { type: "string", describe: "Folder of <group>/<version>/*.ts definitions (default: the configuration's, else definitions)" })
      .option("out", { type: "string", describe: "Output folder to compare (default: the configuration's, else generated)" })
      .option("cert-dir", {
        type: "string",
        describe: "Compare with manifests made from the certificates in this folder (as `generate --certs` wrote them)",
      }),
  handler: async (argv) => {
    process.exitCode = await guard(async () => {
      const loaded = projectConfig(argv);
      return verifyCommand({
        config: loaded,
        definitionsDir: folder(argv.definitions, loaded.config.definitions, "definitions", loaded),
        outDir: folder(argv.out, loaded.config.out, "generated", loaded),
        certDir: argv["cert-dir"] ? path.resolve(argv["cert-dir"]) : undefined,
      });
    });
  },
};
