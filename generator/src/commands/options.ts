import path from "node:path";
import { loadConfig, type LoadedConfig } from "../config/index.js";

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
