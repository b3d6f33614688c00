import type { CommandModule } from "yargs";
import { compatCommand } from "./compat.js";
import { DEFINITIONS_OPTION, definitionsFolder, runInProject, type GlobalArgs } from "./options.js";

interface CompatArgs extends GlobalArgs {
  against?: string;
  definitions?: string;
  "alpha-may-break"?: boolean;
}

export const compatModule: CommandModule<GlobalArgs, CompatArgs> = {
  command: "compat",
  describe: "Compare the API with a baseline (a git ref or a generated package) and exit 1 on a change that breaks its clients",
  builder: (y) =>
    y
      .option("against", { type: "string", describe: "Baseline: a git ref holding the previous definitions (origin/main, v1.2.0) or the folder of a previously generated package (default: the configuration's compat.against)" })
      .option("definitions", DEFINITIONS_OPTION)
      .option("alpha-may-break", { type: "boolean", describe: "Let breaking changes in alpha versions pass (default: the configuration's compat.alphaMayBreak, else false)" }),
  handler: (argv) =>
    runInProject(argv, (loaded) =>
      compatCommand({
        config: loaded,
        definitionsDir: definitionsFolder(argv, loaded),
        against: argv.against,
        alphaMayBreak: argv["alpha-may-break"],
      }),
    ),
};
