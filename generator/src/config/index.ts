export type { ProjectConfig, ResolvedConfig, OutputNames } from "./types.js";
export { loadConfig, ConfigError, CONFIG_FILE } from "./load.js";
export { resolveConfig, outputNames, baseNameOf, defaultPackageName, type LoadedConfig } from "./resolve.js";
