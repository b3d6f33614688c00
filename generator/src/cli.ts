import path from "node:path";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { generateCommand } from "./commands/generate.js";
import { verifyCommand } from "./commands/verify.js";
import { GENERATOR_VERSION } from "./version.js";

await yargs(hideBin(process.argv))
  .scriptName("skai-gen")
  .usage("$0 <command> [options]\n\nCompile TypeScript definitions of Kubernetes-style resources into an aggregated apiserver.")
  .command(
    "generate",
    "Read definitions/, check them and write every artifact into generated/",
    (y) =>
      y
        .option("definitions", { type: "string", default: "definitions", describe: "Folder of <group>/<version>/*.ts definitions" })
        .option("out", { type: "string", default: "generated", describe: "Output folder (the generated package)" })
        .option("watch", { type: "boolean", default: false, describe: "Regenerate on every change in the definitions" })
        .option("certs", {
          type: "boolean",
          default: false,
          describe: "Create (once) a CA and serving certificate in --cert-dir and put them in the manifests",
        })
        .option("cert-dir", { type: "string", default: ".skai-gen/certs", describe: "Folder of the manifests' CA and serving certificate" })
        .option("verbose", { type: "boolean", default: false, describe: "Print each step's timing and every file written" }),
    async (argv) => {
      process.exitCode = await generateCommand({
        definitionsDir: path.resolve(argv.definitions),
        outDir: path.resolve(argv.out),
        watch: argv.watch,
        verbose: argv.verbose,
        certs: argv.certs ? { dir: path.resolve(argv["cert-dir"]), create: true } : undefined,
      });
    },
  )
  .command(
    "verify",
    "Exit 1, listing stale files, when the output differs from what generate would write",
    (y) =>
      y
        .option("definitions", { type: "string", default: "definitions", describe: "Folder of <group>/<version>/*.ts definitions" })
        .option("out", { type: "string", default: "generated", describe: "Output folder to compare" })
        .option("cert-dir", {
          type: "string",
          describe: "Compare with manifests made from the certificates in this folder (as `generate --certs` wrote them)",
        }),
    async (argv) => {
      process.exitCode = await verifyCommand({
        definitionsDir: path.resolve(argv.definitions),
        outDir: path.resolve(argv.out),
        certs: argv["cert-dir"] ? { dir: path.resolve(argv["cert-dir"]), create: false } : undefined,
      });
    },
  )
  .demandCommand(1, "Name a command: generate or verify.")
  .strict()
  .version(GENERATOR_VERSION)
  .help()
  .alias("h", "help")
  .parseAsync();
