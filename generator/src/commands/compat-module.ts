import type { CommandModule } from "yargs";
import { compatCommand } from "./compat.js";
import { DEFINITIONS_OPTION, definitionsFolder, projectConfig, type GlobalArgs } from "./options.js";
import { guard } from "./report.js";

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
  handler: async (argv) => {
    process.exitCode = await guard(async () => {
      const loaded = projectConfig(argv);
      return compatCommand({
        config: loaded,
        definitionsDir: definitionsFolder(argv, loaded),
        against: argv.against,
        alphaMayBreak: argv["alpha-may-break"],
      });
    });
  },
};
