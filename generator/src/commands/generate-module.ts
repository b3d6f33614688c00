import type { CommandModule } from "yargs";
import { generateCommand } from "./generate.js";
import { DEFINITIONS_OPTION, definitionsFolder, folder, outputFolder, runInProject, type GlobalArgs } from "./options.js";

interface GenerateArgs extends GlobalArgs {
  definitions?: string;
  out?: string;
  watch: boolean;
  certs: boolean;
  "cert-dir": string;
  verbose: boolean;
}

export const generateModule: CommandModule<GlobalArgs, GenerateArgs> = {
  command: "generate",
  describe: "Read the definitions, check them and write every artifact into the generated package",
  builder: (y) =>
    y
      .option("definitions", DEFINITIONS_OPTION)
      .option("out", { type: "string", describe: "Output folder, the generated package (default: the configuration's, else generated)" })
      .option("watch", { type: "boolean", default: false, describe: "Regenerate on every change in the definitions" })
      .option("certs", {
        type: "boolean",
        default: false,
        describe: "Create (once) a CA and serving certificate in --cert-dir and put them in the manifests",
      })
      .option("cert-dir", { type: "string", default: ".skai-gen/certs", describe: "Folder of the manifests' CA and serving certificate" })
      .option("verbose", { type: "boolean", default: false, describe: "Print each step's timing and every file written" }),
  handler: (argv) =>
    runInProject(argv, (loaded) =>
      generateCommand({
        config: loaded,
        definitionsDir: definitionsFolder(argv, loaded),
        outDir: outputFolder(argv, loaded),
        watch: argv.watch,
        verbose: argv.verbose,
        certDir: argv.certs ? folder(argv["cert-dir"], undefined, ".skai-gen/certs", loaded) : undefined,
      }),
    ),
};
