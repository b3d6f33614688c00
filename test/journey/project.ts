/**
 * A user's project made by `npx skai-gen init` from the local registry, and
 * what a user does with it: install, generate, build, serve, kubectl, run a
 * program. Every command runs with the registry's npm environment, so nothing
 * resolves into this checkout.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, cpSync, existsSync, openSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { type CommandResult, describeResult, type LocalRegistry, run } from "../support/registry.js";

export class StepError extends Error {}

/** Throws with what the command printed when it did not exit 0. */
export function check(what: string, r: CommandResult): CommandResult {
  if (r.status !== 0) throw new StepError(describeResult(what, r));
  return r;
}

export interface RunningServer {
  url: string;
  kubeconfig: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export class UserProject {
  constructor(
    readonly dir: string,
    private readonly registry: LocalRegistry,
  ) {}

  npm(args: string[], timeoutMs?: number): CommandResult {
    return this.registry.npm(args, this.dir, { timeoutMs });
  }

  manifest(relative = "package.json"): { name: string; bin?: Record<string, string>; [k: string]: unknown } {
    return JSON.parse(readFileSync(path.join(this.dir, relative), "utf8"));
  }

  /** The generated package's folder, as the project's workspaces name it. */
  get generatedDir(): string {
    const workspaces = this.manifest().workspaces as string[] | undefined;
    if (!workspaces || workspaces.length !== 1) throw new StepError(`the project's package.json names ${JSON.stringify(workspaces)} as workspaces, not one generated package`);
    return path.join(this.dir, workspaces[0]!);
  }

  /** Replaces the scaffold's definitions with `fixtureDefinitions` (a user writing their own API). */
  replaceDefinitions(fixtureDefinitions: string): void {
    const defs = path.join(this.dir, "definitions");
    for (const entry of readdirSync(defs)) {
      // The editor config init wrote stays; the groups and the protobuf lock are the API's.
      if (entry !== "tsconfig.json") rmSync(path.join(defs, entry), { recursive: true, force: true });
    }
    cpSync(fixtureDefinitions, defs, { recursive: true });
  }

  /** The generated package's bins: name -> its file. */
  generatedBins(): Record<string, string> {
    const manifest = JSON.parse(readFileSync(path.join(this.generatedDir, "package.json"), "utf8")) as { bin?: Record<string, string> };
    return manifest.bin ?? {};
  }

  /** The generated server's bin name (ctx.names.serverBin: the one ending in -apiserver). */
  serverBin(): string {
    const bins = Object.keys(this.generatedBins());
    const serverBin = bins.find((b) => b.endsWith("-apiserver")) ?? bins[0];
    if (!serverBin) throw new StepError("the generated package.json has no bin");
    return serverBin;
  }

  /** Why `bin` is not runnable as node_modules/.bin/<bin>, or undefined when it is. */
  binProblem(bin: string): string | undefined {
    const linked = path.join(this.dir, "node_modules/.bin", bin);
    if (!existsSync(linked)) return `${bin} is not linked into node_modules/.bin (its file ${this.generatedBins()[bin]} did not exist when npm install linked the workspace's bins)`;
    if ((statSync(linked).mode & 0o111) === 0) return `${linked} is not executable`;
    return undefined;
  }

  /**
   * Starts the generated server on a free port: its bin from node_modules/.bin,
   * or, when that is missing (reported by its own step), its file with node,
   * so the rest of the journey still runs.
   */
  async startServer(): Promise<RunningServer> {
    const serverBin = this.serverBin();
    const [command, ...prefix] = this.binProblem(serverBin)
      ? [process.execPath, path.join(this.generatedDir, this.generatedBins()[serverBin]!)]
      : [path.join(this.dir, "node_modules/.bin", serverBin)];
    const logFile = path.join(this.dir, `${serverBin}.log`);
    // A file, not a pipe: the test blocks in spawnSync (kubectl) and a full pipe would stall the server.
    const fd = openSync(logFile, "w");
    const child = spawn(command!, [...prefix, "--secure-port", "0"], { cwd: this.dir, stdio: ["ignore", fd, fd], env: this.registry.npmEnv });
    closeSync(fd);
    const output = () => readFileSync(logFile, "utf8");
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    let exitCode: number | null | undefined;
    void exited.then(() => (exitCode = child.exitCode));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const out = output();
      const url = /Serving on (https:\/\/\S+)/.exec(out)?.[1];
      const kubeconfig = /kubectl --kubeconfig (\S+)/.exec(out)?.[1];
      if (url && kubeconfig) {
        return {
          url,
          kubeconfig: path.resolve(this.dir, kubeconfig),
          child,
          output,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) {
              child.kill("SIGTERM");
              await exited;
            }
          },
        };
      }
      if (exitCode !== undefined) throw new StepError(`${serverBin} exited with ${exitCode}:\n${out}`);
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new StepError(`${serverBin} did not print "Serving on" and a kubeconfig in 60 s:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** kubectl against `server`, with a discovery cache of its own. */
export function kubectl(server: RunningServer, args: string[], input?: string): CommandResult {
  const cacheDir = path.join(path.dirname(server.kubeconfig), "kube-cache");
  return run("kubectl", ["--kubeconfig", server.kubeconfig, "--cache-dir", cacheDir, ...args], path.dirname(server.kubeconfig), {
    input,
    timeoutMs: 60_000,
  });
}

/** Waits until `predicate` holds, polling; fails with `what` after `ms` (a bound, not an assertion on speed). */
export async function waitUntil(what: string, predicate: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new StepError(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What `grep -ri skai` finds in `root` (every file, binary ones as bytes), minus skai-gen's own names. */
export function skaiMentions(root: string, skip: (relative: string) => boolean): string[] {
  // skai-gen and its packages are the dependencies' names (imports, package.json, the header): allowed.
  const allowed = /@skai-gen\/[a-z0-9-]+(?:\/[a-z0-9-]+)*|(?<![\w.-])skai-gen(?![\w-])/g;
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(root, full);
      if (skip(relative)) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const text = readFileSync(full).toString("latin1");
        if (!/skai/i.test(text)) continue;
        text.split("\n").forEach((line, i) => {
          if (/skai/i.test(line.replace(allowed, ""))) found.push(`${relative}:${i + 1}: ${line.trim().slice(0, 200)}`);
        });
      }
    }
  };
  walk(root);
  return found;
}
