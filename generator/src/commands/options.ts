import path from "node:path";
import { loadConfig, type LoadedConfig } from "../config/index.js";
import { guard } from "./report.js";

/** Options every command takes. */
export interface GlobalArgs {
  config?: string;
}

/**
 * The project's configuration for a command: `--config`, else found from the
 * working directory upwards. Flags given on the command line win over it.
 */
export function projectConfig(argv: GlobalArgs): LoadedConfig {
  return loadConfig(process.cwd(), argv.config);
}

/** A folder from a flag, else from the configuration, else the default under the project root. */
export function folder(flag: string | undefined, configured: string | undefined, fallback: string, loaded: LoadedConfig): string {
  if (flag !== undefined) return path.resolve(flag);
  return path.resolve(loaded.projectRoot, configured ?? fallback);
}

/** `--definitions`, which every command that reads the API takes. */
export const DEFINITIONS_OPTION = {
  type: "string",
  describe: "Folder of <group>/<version>/*.ts definitions (default: the configuration's, else definitions)",
} as const;

/** The definitions folder: `--definitions`, else the configuration's, else `definitions`. */
export function definitionsFolder(argv: { definitions?: string }, loaded: LoadedConfig): string {
  return folder(argv.definitions, loaded.config.definitions, "definitions", loaded);
}

/** The output folder: `--out`, else the configuration's, else `generated`. */
export function outputFolder(argv: { out?: string }, loaded: LoadedConfig): string {
  return folder(argv.out, loaded.config.out, "generated", loaded);
}

/** A command's handler body: the project's configuration loaded, mistakes reported in one line, the exit code set. */
export async function runInProject(argv: GlobalArgs, run: (loaded: LoadedConfig) => Promise<number>): Promise<void> {
  process.exitCode = await guard(() => run(projectConfig(argv)));
}
