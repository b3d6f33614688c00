import type { CommandModule } from "yargs";
import { initCommand, type InitOptions } from "./init.js";
import type { GlobalArgs } from "./options.js";
import { guard } from "./report.js";

interface InitArgs extends GlobalArgs, InitOptions {}

export const initModule: CommandModule<GlobalArgs, InitArgs> = {
  command: "init <dir>",
  describe: "Create a repository for a new API in <dir>: definitions with one example kind, configuration, scripts and the generated package",
  builder: (y) =>
    y
      .positional("dir", { type: "string", demandOption: true, describe: "New (or empty) folder to create the repository in" })
      .option("group", { type: "string", describe: "API group (default: <dir>.example.com, less a trailing -api)" })
      // yargs' own --version is the tool's version; init's flag means the API version.
      .version(false)
      .option("version", { type: "string", describe: "API version (default: v1alpha1)" })
      .option("kind", { type: "string", describe: "The example kind (default: Widget)" })
      .option("scope", { type: "string", choices: ["Namespaced", "Cluster"], describe: "The example kind's scope (default: Namespaced)" })
      .option("package", { type: "string", describe: "npm name of the generated package (default: <first label of the group>-api)" }),
  handler: async (argv) => {
    process.exitCode = await guard(() => initCommand(argv));
  },
};
