import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { commands } from "./commands/index.js";
import { GENERATOR_VERSION } from "./version.js";

await yargs(hideBin(process.argv))
  .scriptName("skai-gen")
  .usage("$0 <command> [options]\n\nCompile TypeScript definitions of Kubernetes-style resources into an aggregated apiserver.")
  .option("config", { type: "string", global: true, describe: "Configuration file (default: skai-gen.config.json or package.json's \"skai-gen\" field, found upwards)" })
  .command(commands)
  .demandCommand(1, `Name a command: ${commands.map((c) => String(c.command).split(" ")[0]).join(", ")}.`)
  .strict()
  .version(GENERATOR_VERSION)
  .help()
  .alias("h", "help")
  .parseAsync();
