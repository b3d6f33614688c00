import path from "node:path";
import type { CommandModule } from "yargs";
import { DEFINITIONS_OPTION, definitionsFolder, outputFolder, runInProject, type GlobalArgs } from "./options.js";
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
      .option("definitions", DEFINITIONS_OPTION)
      .option("out", { type: "string", describe: "Output folder to compare (default: the configuration's, else generated)" })
      .option("cert-dir", {
        type: "string",
        describe: "Compare with manifests made from the certificates in this folder (as `generate --certs` wrote them)",
      }),
  handler: (argv) =>
    runInProject(argv, (loaded) =>
      verifyCommand({
        config: loaded,
        definitionsDir: definitionsFolder(argv, loaded),
        outDir: outputFolder(argv, loaded),
        certDir: argv["cert-dir"] ? path.resolve(argv["cert-dir"]) : undefined,
      }),
    ),
};
