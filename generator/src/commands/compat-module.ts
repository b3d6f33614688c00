import type { CommandModule } from "yargs";
import { compatCommand } from "./compat.js";
import { folder, projectConfig, type GlobalArgs } from "./options.js";
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
      .option("definitions", { type: "string", describe: "Folder of <group>/<version>/*.ts definitions (default: the configuration's, else definitions)" })
      .option("alpha-may-break", { type: "boolean", describe: "Let breaking changes in alpha versions pass (default: the configuration's compat.alphaMayBreak, else false)" }),
  handler: async (argv) => {
    process.exitCode = await guard(async () => {
      const loaded = projectConfig(argv);
      return compatCommand({
        config: loaded,
        definitionsDir: folder(argv.definitions, loaded.config.definitions, "definitions", loaded),
        against: argv.against,
        alphaMayBreak: argv["alpha-may-break"],
      });
    });
  },
};
