import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { LoadedConfig } from "./resolve.js";
import { UserError } from "../user-error.js";
import type { ProjectConfig } from "./types.js";

export const CONFIG_FILE = "skai-gen.config.json";
const PACKAGE_FIELD = "skai-gen";

/** A mistake in the configuration: reported as one line naming the file, never a stack trace. */
export class ConfigError extends UserError {}

/**
 * Finds the configuration for a command run in `cwd`: an explicit `--config`
 * file, else the nearest folder upwards holding `skai-gen.config.json` or a
 * package.json with a `"skai-gen"` field. None found: defaults, rooted at `cwd`.
 */
export function loadConfig(cwd: string, explicit?: string): LoadedConfig {
  if (explicit) {
    const file = path.resolve(cwd, explicit);
    if (!existsSync(file)) throw new ConfigError(`no configuration file at ${explicit}`);
    return fromFile(file);
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const configFile = path.join(dir, CONFIG_FILE);
    const pkgFile = path.join(dir, "package.json");
    const inPackage = existsSync(pkgFile) ? packageField(pkgFile) : undefined;
    if (existsSync(configFile)) {
      if (inPackage) throw new ConfigError(`${rel(cwd, pkgFile)} has a "${PACKAGE_FIELD}" field and ${CONFIG_FILE} is beside it: keep one`);
      return fromFile(configFile);
    }
    if (inPackage) return { projectRoot: dir, source: pkgFile, config: check(inPackage, pkgFile) };
    if (path.dirname(dir) === dir) return { projectRoot: path.resolve(cwd), config: {} };
  }
}

function fromFile(file: string): LoadedConfig {
  const raw = parseJSON(file);
  const config = path.basename(file) === "package.json" ? (raw as Record<string, unknown>)[PACKAGE_FIELD] : raw;
  if (config === undefined) throw new ConfigError(`${file} has no "${PACKAGE_FIELD}" field`);
  return { projectRoot: path.dirname(file), source: file, config: check(config, file) };
}

function packageField(file: string): unknown {
  const pkg = parseJSON(file);
  return pkg && typeof pkg === "object" ? (pkg as Record<string, unknown>)[PACKAGE_FIELD] : undefined;
}

function parseJSON(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(`${file}: ${(err as Error).message}`);
  }
}

const SHAPE: Record<string, "string" | Record<string, "string" | "boolean">> = {
  $schema: "string",
  definitions: "string",
  out: "string",
  package: { name: "string", version: "string", private: "boolean" },
  client: { className: "string", userAgent: "string" },
  server: { bin: "string", main: "string", stateDir: "string", etcdPrefix: "string", kubeconfigContext: "string" },
  kubectlPlugin: { name: "string" },
  deployment: { namespace: "string", image: "string" },
  compat: { against: "string", alphaMayBreak: "boolean" },
};

/** Checks the shape (unknown keys are mistakes: a misspelt name would silently fall back to a default). */
function check(value: unknown, file: string): ProjectConfig {
  const where = (key: string) => `${file}: ${key}`;
  if (!isObject(value)) throw new ConfigError(`${file}: the configuration must be an object`);
  for (const [key, v] of Object.entries(value)) {
    const shape = SHAPE[key];
    if (!shape) throw new ConfigError(`${where(key)}: unknown setting (known: ${Object.keys(SHAPE).filter((k) => k !== "$schema").join(", ")})`);
    if (typeof shape === "string") {
      if (typeof v !== shape) throw new ConfigError(`${where(key)}: must be a ${shape}`);
      continue;
    }
    if (!isObject(v)) throw new ConfigError(`${where(key)}: must be an object`);
    for (const [sub, sv] of Object.entries(v)) {
      const type = shape[sub];
      if (!type) throw new ConfigError(`${where(`${key}.${sub}`)}: unknown setting (known: ${Object.keys(shape).join(", ")})`);
      if (typeof sv !== type || (type === "string" && sv === "")) throw new ConfigError(`${where(`${key}.${sub}`)}: must be a non-empty ${type}`);
    }
  }
  return value as ProjectConfig;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function rel(cwd: string, p: string): string {
  return path.relative(cwd, p) || p;
}
