import type { CommandModule } from "yargs";
import { devCommand } from "./dev.js";
import { DEFINITIONS_OPTION, definitionsFolder, outputFolder, runInProject, type GlobalArgs } from "./options.js";

interface DevArgs extends GlobalArgs {
  definitions?: string;
  out?: string;
  "--"?: (string | number)[];
}

export const devModule: CommandModule<GlobalArgs, DevArgs> = {
  command: "dev",
  describe: "Serve the API while you edit it: regenerate, rebuild and restart the server on every change",
  builder: (y) =>
    y
      .usage("$0 dev [options] [-- <server flags>]\n\nServe the API while you edit it: regenerate, rebuild and restart the server on every change.")
      .parserConfiguration({ "populate--": true })
      .option("definitions", DEFINITIONS_OPTION)
      .option("out", { type: "string", describe: "Output folder, the generated package (default: the configuration's, else generated)" })
      .example("$0 dev", "serve on https://127.0.0.1:8443, data and kubeconfig in the project's state folder")
      .example("$0 dev -- --secure-port 9443", "pass flags to the server"),
  handler: (argv) =>
    runInProject(argv, (loaded) =>
      devCommand({
        config: loaded,
        definitionsDir: definitionsFolder(argv, loaded),
        outDir: outputFolder(argv, loaded),
        serverArgs: (argv["--"] ?? []).map(String),
      }),
    ),
};
