/**
 * A real npm registry on loopback (Verdaccio, a child process) for tests that
 * install this repository's packages as a user would: from a registry, never
 * through workspace symlinks. `skai-gen` and `@skai-gen/*` are served only from
 * what the test publishes; everything else is proxied to the public registry
 * and cached in the registry's temp storage.
 *
 * Every npm command the test runs goes through `npm()` / `npmEnv`: a temp
 * userconfig that points at this registry (with a throwaway user's token to
 * publish) and a temp cache shared by every install of one run, so the second
 * install of the same packages is served from the cache.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const verdaccioBin = path.join(repoRoot, "node_modules/verdaccio/bin/verdaccio");

/** The public registry third-party packages come from. */
const UPSTREAM = "https://registry.npmjs.org/";

/** Package names the registry serves only from local publishes (never proxied). */
const LOCAL_ONLY = ["skai-gen", "@skai-gen/*"];

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Wall time in milliseconds. */
  ms: number;
}

export interface PublishedPackage {
  name: string;
  version: string;
  dir: string;
}

export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** The temp dir holding the registry's storage, config, log, npm cache and userconfig. */
  dir: string;
  /** The environment for npm (and npx, and scripts run by npm) that uses only this registry. */
  npmEnv: NodeJS.ProcessEnv;
  /** Runs npm with `npmEnv` in `cwd`. */
  npm(args: string[], cwd: string, opts?: RunOptions): CommandResult;
  /** Runs `command` (npx, a project's bin, ...) with `npmEnv` in `cwd`. */
  exec(command: string, args: string[], cwd: string, opts?: RunOptions): CommandResult;
  /** Publishes the package in `packageDir` (its files as `npm pack` selects them). */
  publish(packageDir: string): PublishedPackage;
  /** What the registry logged (warnings and errors). */
  log(): string;
  /** Stops the registry and removes its temp dir unless `keep`. */
  stop(opts?: { keep?: boolean }): Promise<void>;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Default 10 minutes: a cold install builds better-sqlite3 from source. */
  timeoutMs?: number;
}

/** Runs `command` synchronously, capturing output and timing it. */
export function run(command: string, args: string[], cwd: string, opts: RunOptions & { baseEnv?: NodeJS.ProcessEnv } = {}): CommandResult {
  const started = performance.now();
  const r = spawnSync(command, args, {
    cwd,
    env: { ...(opts.baseEnv ?? process.env), ...opts.env },
    input: opts.input,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  const stderr = r.error ? `${r.stderr ?? ""}\n${r.error.message}` : (r.stderr ?? "");
  return { status: r.status, stdout: r.stdout ?? "", stderr, ms };
}

/** Says what a failed command printed, for an assertion message. */
export function describeResult(what: string, r: CommandResult): string {
  return `${what} exited ${r.status}\n--- stdout ---\n${r.stdout.slice(-8000)}\n--- stderr ---\n${r.stderr.slice(-8000)}`;
}


function verdaccioConfig(dir: string): string {
  const access = (proxy: boolean) =>
    `    access: $all\n    publish: $authenticated\n    unpublish: $authenticated\n${proxy ? "    proxy: npmjs\n" : ""}`;
  return [
    `storage: ${JSON.stringify(path.join(dir, "storage"))}`,
    "auth:",
    "  htpasswd:",
    `    file: ${JSON.stringify(path.join(dir, "htpasswd"))}`,
    "    max_users: 1",
    "uplinks:",
    "  npmjs:",
    `    url: ${UPSTREAM}`,
    "    timeout: 60s",
    "    maxage: 60m",
    "packages:",
    ...LOCAL_ONLY.map((name) => `  '${name}':\n${access(false)}`),
    `  '@*/*':\n${access(true)}`,
    `  '**':\n${access(true)}`,
    "web:",
    "  enable: false",
    "log: { type: stdout, format: pretty, level: warn }",
    "",
  ].join("\n");
}

/**
 * npm's environment without anything inherited from an enclosing npm run
 * (`npm test` exports npm_config_* and npm_package_*), plus ours.
 */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k) && k !== "INIT_CWD") env[k] = v;
  }
  return { ...env, ...extra };
}

async function waitForRegistry(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let exited: number | null | undefined;
  child.once("exit", (code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`verdaccio exited with ${exited}:\n${readFileSync(logFile, "utf8")}`);
    try {
      const r = await fetch(new URL("-/ping", url));
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`verdaccio did not answer ${url}-/ping in 30 s:\n${readFileSync(logFile, "utf8")}`);
}

/** A throwaway user (htpasswd allows one) whose token publishes. */
async function createUser(url: string): Promise<string> {
  const name = "journey";
  const r = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, password: "journey-password", type: "user", roles: [], date: new Date().toISOString() }),
  });
  const body = (await r.json()) as { token?: string; error?: string };
  if (!r.ok || !body.token) throw new Error(`verdaccio refused the throwaway user: ${r.status} ${JSON.stringify(body)}`);
  return body.token;
}

/** The nodedir npm is configured with here (so node-gyp builds offline against the installed headers). */
function configuredNodedir(): string | undefined {
  const r = spawnSync("npm", ["config", "get", "nodedir"], { encoding: "utf8", env: cleanEnv({}) });
  const value = r.stdout?.trim();
  return r.status === 0 && value && value !== "undefined" && value !== "null" && existsSync(value) ? value : undefined;
}

export async function startRegistry(): Promise<LocalRegistry> {
  const dir = mkdtempSync(path.join(tmpdir(), "npm-registry-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const configFile = path.join(dir, "config.yaml");
  writeFileSync(configFile, verdaccioConfig(dir));
  const logFile = path.join(dir, "verdaccio.log");
  // A file, not a pipe: the test blocks in spawnSync for minutes and a full pipe would stall the registry.
  const logFd = openSync(logFile, "a");
  const child = spawn(process.execPath, [verdaccioBin, "-c", configFile, "-l", `127.0.0.1:${port}`], {
    cwd: dir,
    stdio: ["ignore", logFd, logFd],
    env: cleanEnv({}),
  });
  closeSync(logFd);
  const stop = async (opts: { keep?: boolean } = {}) => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForRegistry(url, child, logFile);
    const token = await createUser(url);
    const userconfig = path.join(dir, "npmrc");
    const nodedir = configuredNodedir();
    writeFileSync(
      userconfig,
      [
        `registry=${url}`,
        `//127.0.0.1:${port}/:_authToken=${token}`,
        ...(nodedir ? [`nodedir=${nodedir}`] : []),
        // What the cache holds was fetched from this registry in this run: no need to revalidate it on every install.
        "prefer-offline=true",
        "fund=false",
        "audit=false",
        "update-notifier=false",
        "",
      ].join("\n"),
    );
    const npmEnv = cleanEnv({
      npm_config_userconfig: userconfig,
      npm_config_cache: path.join(dir, "npm-cache"),
      npm_config_registry: url,
    });
    const exec = (command: string, args: string[], cwd: string, opts: RunOptions = {}) => run(command, args, cwd, { ...opts, baseEnv: npmEnv });
    const npm = (args: string[], cwd: string, opts: RunOptions = {}) => exec("npm", args, cwd, opts);
    const publish = (packageDir: string): PublishedPackage => {
      const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as { name: string; version: string };
      const r = npm(["publish", "--registry", url, "--tag", "latest", "--ignore-scripts"], packageDir, { timeoutMs: 120_000 });
      if (r.status !== 0) throw new Error(describeResult(`npm publish ${manifest.name}`, r));
      return { name: manifest.name, version: manifest.version, dir: packageDir };
    };
    return { url, dir, npmEnv, npm, exec, publish, log: () => readFileSync(logFile, "utf8"), stop };
  } catch (e) {
    await stop({ keep: true });
    throw e;
  }
}

/**
 * This repository's published packages (`skai-gen` and `@skai-gen/*` among the
 * root's workspaces), in dependency order: a package after those it depends on.
 */
export function publishablePackages(): string[] {
  const root = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { workspaces: string[] };
  type Manifest = { name: string; private?: boolean; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
  const found = new Map<string, { dir: string; manifest: Manifest }>();
  for (const ws of root.workspaces) {
    const file = path.join(repoRoot, ws, "package.json");
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, "utf8")) as Manifest;
    if (manifest.private) continue;
    if (manifest.name === "skai-gen" || manifest.name.startsWith("@skai-gen/")) found.set(manifest.name, { dir: path.join(repoRoot, ws), manifest });
  }
  const ordered: string[] = [];
  const visit = (name: string) => {
    const entry = found.get(name);
    if (!entry || ordered.includes(entry.dir)) return;
    for (const dep of Object.keys({ ...entry.manifest.dependencies, ...entry.manifest.peerDependencies })) visit(dep);
    if (!ordered.includes(entry.dir)) ordered.push(entry.dir);
  };
  for (const name of [...found.keys()].sort()) visit(name);
  return ordered;
}

/**
 * Puts this checkout's compiled better-sqlite3 into `registry`'s npm cache as
 * the prebuilt binary prebuild-install would download from the package's
 * releases, so an install from the registry unpacks it instead of compiling
 * SQLite (minutes on 2 cores): what a user's machine with internet access
 * gets. Only when the checkout has the same version the registry serves
 * (otherwise the install builds from source, slower but the same result).
 * Returns the version seeded, or undefined.
 */
export function seedPrebuiltSqlite(registry: LocalRegistry): string | undefined {
  const pkgDir = path.join(repoRoot, "node_modules/better-sqlite3");
  const binary = "build/Release/better_sqlite3.node";
  if (!existsSync(path.join(pkgDir, binary))) return undefined;
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { name: string; version: string };
  const served = registry.npm(["view", `better-sqlite3@${pkg.version}`, "version"], registry.dir, { timeoutMs: 60_000 });
  if (served.status !== 0 || served.stdout.trim() !== pkg.version) return undefined;
  // prebuild-install's own naming: the download URL, and the cache file named after its digest.
  const require = createRequire(path.join(repoRoot, "node_modules/prebuild-install/package.json"));
  const util = require("./util.js") as { getDownloadUrl(opts: object): string };
  const rc = require("./rc.js") as (pkg: object) => object;
  const url = util.getDownloadUrl({ ...rc(pkg), pkg });
  const digest = createHash("sha512").update(url).digest("hex").slice(0, 6);
  const cacheDir = path.join(String(registry.npmEnv.npm_config_cache), "_prebuilds");
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, `${digest}-${path.basename(url).replace(/[^a-zA-Z0-9.]+/g, "-")}`);
  const tar = run("tar", ["-czf", file, "-C", pkgDir, binary], repoRoot);
  if (tar.status !== 0) throw new Error(describeResult("tar of the prebuilt better-sqlite3", tar));
  return pkg.version;
}
