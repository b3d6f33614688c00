import path from "node:path";
import type { OutputNames, ResolvedConfig, ProjectConfig } from "./types.js";

/** A configuration as found on disk, before the API's groups are known. */
export interface LoadedConfig {
  projectRoot: string;
  source?: string;
  config: ProjectConfig;
}

/** `shop.example.com` -> `shop-api`: the default package name. */
export function defaultPackageName(groups: readonly string[]): string {
  const label = (groups[0] ?? "api").split(".")[0]!;
  return `${dnsLabel(label)}-api`;
}

/** `@shop/api` -> `shop`, `shop-api` -> `shop`, `widgets` -> `widgets`: what the other defaults derive from. */
export function baseNameOf(packageName: string): string {
  const scoped = /^@([^/]+)\/(.+)$/.exec(packageName);
  const name = scoped ? scoped[1]! : packageName;
  return dnsLabel(name.replace(/-api$/i, "")) || "api";
}

/** Fills in every default; `groups` are the API's group names in the order they are served. */
export function resolveConfig(loaded: LoadedConfig, groups: readonly string[]): ResolvedConfig {
  const c = loaded.config;
  const root = loaded.projectRoot;
  const packageName = c.package?.name ?? defaultPackageName(groups);
  const base = baseNameOf(packageName);
  const version = c.package?.version ?? "0.1.0";
  const serverBin = c.server?.bin ?? `${base}-apiserver`;
  return {
    projectRoot: root,
    ...(loaded.source ? { source: loaded.source } : {}),
    definitionsDir: path.resolve(root, c.definitions ?? "definitions"),
    outDir: path.resolve(root, c.out ?? "generated"),
    baseName: base,
    packageName,
    packageVersion: version,
    packagePrivate: c.package?.private ?? true,
    clientClass: c.client?.className ?? `${pascal(base)}Client`,
    clientUserAgent: c.client?.userAgent ?? `${base}-client`,
    serverBin,
    ...(c.server?.main ? { serverMain: path.resolve(root, c.server.main) } : {}),
    stateDir: c.server?.stateDir ?? `.${base}`,
    // One group: its keys under /registry/<group>, as kube keeps a group's. Several: kube's own /registry layout (/<group>/<resource>/...).
    etcdPrefix: c.server?.etcdPrefix ?? (groups.length === 1 ? `/registry/${groups[0]}` : "/registry"),
    kubeconfigContext: c.server?.kubeconfigContext ?? base,
    kubectlPlugin: c.kubectlPlugin?.name ?? base,
    namespace: c.deployment?.namespace ?? `${base}-system`,
    image: c.deployment?.image ?? `${serverBin}:${version}`,
  };
}

/** The names the emitters see: paths made relative to the project, so output does not depend on where it is generated. */
export function outputNames(resolved: ResolvedConfig): OutputNames {
  const { projectRoot, source: _source, definitionsDir: _definitions, outDir, serverMain, ...names } = resolved;
  const rel = (p: string) => path.relative(projectRoot, p).split(path.sep).join("/");
  return { ...names, outDir: rel(outDir), ...(serverMain ? { serverMain: rel(serverMain) } : {}) };
}

function dnsLabel(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}
