/**
 * `skai-gen dev`: the API served from the definitions as they are edited.
 *
 * One change = generate (in-process, the ts-morph project kept warm), build
 * the generated package (incrementally, dev-build.ts), restart the server
 * (dev-server.ts) with its data, certificates and kubeconfig in the project's
 * state folder, so objects and the kubeconfig survive restarts. Definitions
 * with mistakes print their diagnostics and leave the running server alone.
 * A change to the project's own server code (config `server.main`) restarts
 * the server only.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Project } from "ts-morph";
import type { LoadedConfig, ResolvedConfig } from "../config/index.js";
import { resolveConfig } from "../config/index.js";
import { generate } from "../pipeline.js";
import { createProject } from "../read/index.js";
import { describeChanges, type FileChange, isSourceFile, watchTree } from "../watch/index.js";
import { writeLock } from "../write/lock.js";
import { writeTree } from "../write/writer.js";
import { type IncrementalBuild, startIncrementalBuild } from "./dev-build.js";
import { DevServer, type ServerCommand } from "./dev-server.js";
import { reportDiagnostics } from "./report.js";

export interface DevCommandOptions {
  config: LoadedConfig;
  definitionsDir: string;
  outDir: string;
  /** Flags passed on to the server (after `--`); they win over dev's own. */
  serverArgs: string[];
}

export async function devCommand(opts: DevCommandOptions): Promise<number> {
  if (!existsSync(opts.definitionsDir)) {
    process.stderr.write(`skai-gen: no definitions folder at ${rel(opts.definitionsDir)} (pass --definitions <dir>)\n`);
    return 1;
  }
  const session = new DevSession(opts);
  return session.run();
}

/** What a cycle took, for the one line it prints. */
interface Timings {
  generate?: number;
  build?: number;
}

class DevSession {
  private readonly project: Project = createProject();
  /** The server's own code, when the project has a `server.main`. */
  private readonly userDir: string | undefined;
  private build: IncrementalBuild | undefined;
  private server: DevServer | undefined;
  /** The configuration with defaults, from the last generate. */
  private resolved: ResolvedConfig | undefined;
  /** True once the output was built without errors, so there is something to serve. */
  private built = false;
  /** The cycle running or last run; cycles never overlap. */
  private queue: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(private readonly opts: DevCommandOptions) {
    const main = resolveConfig(opts.config, []).serverMain;
    this.userDir = main ? path.dirname(main) : undefined;
  }

  async run(): Promise<number> {
    const stopped = new Promise<void>((resolve) => {
      let signals = 0;
      const onSignal = () => {
        // A second Ctrl-C does not wait for the server to close (the exit kills it).
        if (++signals > 1) process.exit(130);
        resolve();
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
    });
    const roots = [this.opts.definitionsDir, ...(this.userDir ? [this.userDir] : [])];
    say(`watching ${roots.map((r) => rel(r) + "/").join(" and ")} (Ctrl-C to stop)`);
    // Watching starts before the first generate, so an edit made meanwhile is not lost.
    const watcher = watchTree(outermost(roots), {
      include: isSourceFile,
      skipDir: (dir) => ["node_modules", "dist"].includes(path.basename(dir)) || dir === this.opts.outDir,
      onChange: (changes) => this.changed(changes),
      onError: (err) => say((err as Error).message),
    });
    void this.serially("first run", true);
    await stopped;
    this.stopping = true;
    watcher.close();
    say("stopping");
    await this.queue;
    await this.server?.stop("SIGINT");
    this.build?.close();
    return 0;
  }

  /** Cycles run one at a time, in order (the first one and the watcher's), and none once stopping. */
  private serially(what: string, regenerate: boolean): Promise<void> {
    this.queue = this.queue.then(() => (this.stopping ? undefined : this.cycle(what, { regenerate })));
    return this.queue;
  }

  private async changed(changes: FileChange[]): Promise<void> {
    const what = describeChanges(changes, process.cwd());
    const inDefinitions = changes.some((c) => isInside(this.opts.definitionsDir, c.file));
    await this.serially(what, inDefinitions);
  }

  /** One change: generate and build when the definitions changed, then restart; one line says how it went. */
  private async cycle(what: string, { regenerate }: { regenerate: boolean }): Promise<void> {
    const timings: Timings = {};
    try {
      if (regenerate) {
        const outcome = await this.generate(timings);
        if (outcome === "mistakes") {
          say(`${what}: ${this.server?.running ? "the server keeps serving the last good definitions" : "the server starts once the definitions generate"}`);
          return;
        }
        if (outcome === "unchanged" && this.server?.running) {
          say(`${what}: generated in ${timings.generate} ms, no change in ${rel(this.opts.outDir)}; the server keeps running`);
          return;
        }
        if (!(await this.compile(timings))) {
          say(`${what}: ${this.server?.running ? "the server keeps serving the last good build" : "the server starts once the build passes"}`);
          return;
        }
      } else if (!this.built) {
        say(`${what}: the server starts once the definitions generate`);
        return;
      }
      await this.restart(what, timings);
    } catch (err) {
      // A mistake that is not a diagnostic (an output folder it does not own, a broken configuration): one line, keep watching.
      say(`${what}: ${(err as Error).message}`);
    }
  }

  private async generate(timings: Timings): Promise<"ok" | "unchanged" | "mistakes"> {
    const started = performance.now();
    const result = await generate({
      definitionsDir: this.opts.definitionsDir,
      projectRoot: this.opts.config.projectRoot,
      config: this.opts.config,
      project: this.project,
    });
    this.resolved = result.config;
    if (result.diagnostics.length > 0) {
      reportDiagnostics(result.diagnostics);
      return "mistakes";
    }
    const diff = await writeTree(this.opts.outDir, result.files);
    if (result.protobufLock) await writeLock(result.protobufLock);
    timings.generate = Math.round(performance.now() - started);
    return diff.added.length + diff.changed.length + diff.removed.length === 0 ? "unchanged" : "ok";
  }

  /** Builds the generated package; true when it built without errors. */
  private async compile(timings: Timings): Promise<boolean> {
    let result;
    if (!this.build) {
      say(`building ${rel(this.opts.outDir)} (the first build takes longest; later ones are incremental)`);
      ({ build: this.build, first: result } = await startIncrementalBuild(this.opts.outDir));
    } else result = this.build.update();
    timings.build = result.ms;
    for (const e of result.errors) process.stderr.write(e + "\n");
    if (result.errors.length > 0) {
      say(`${result.errors.length} error${result.errors.length === 1 ? "" : "s"} building ${rel(this.opts.outDir)}`);
      return false;
    }
    this.built = true;
    return true;
  }

  private async restart(what: string, timings: Timings): Promise<void> {
    const started = performance.now();
    this.server ??= new DevServer((line) => process.stdout.write(line + "\n"));
    const { serving } = await this.server.restart(serverCommand(this.resolved!, this.opts));
    // Not awaited: a server that never comes up must not stop the next change from replacing it.
    void serving.then((ok) => {
      if (!ok) return;
      const steps = [
        timings.generate !== undefined ? `generated in ${timings.generate} ms` : undefined,
        timings.build !== undefined ? `built in ${timings.build} ms` : undefined,
        `restarted in ${Math.round(performance.now() - started)} ms`,
      ];
      say(`${what}: ${steps.filter(Boolean).join(", ")}`);
    });
  }
}

/**
 * How the server runs: the project's own entry through tsx when it has one,
 * else the generated package's bin; its state in the project's state folder.
 */
function serverCommand(resolved: ResolvedConfig, opts: DevCommandOptions): ServerCommand {
  const state = path.resolve(resolved.projectRoot, resolved.stateDir);
  const own = new Set(opts.serverArgs.filter((a) => a.startsWith("--")).map((a) => a.split("=")[0]));
  const defaults: [string, string][] = [
    ["--storage", `sqlite:${path.join(state, "data.db")}`],
    ["--cert-dir", path.join(state, "certs")],
    ["--kubeconfig-out", path.join(state, "kubeconfig")],
  ];
  const flags = defaults.filter(([flag]) => !own.has(flag)).flat();
  const entry = resolved.serverMain ? ["--import", import.meta.resolve("tsx"), resolved.serverMain] : [generatedBin(opts.outDir, resolved.serverBin)];
  return { args: [...entry, ...flags, ...opts.serverArgs], cwd: resolved.projectRoot, label: `[${resolved.serverBin}]` };
}

/** The generated package's server bin, as its package.json names it. */
function generatedBin(outDir: string, bin: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(outDir, "package.json"), "utf8")) as { bin?: Record<string, string> };
    const target = pkg.bin?.[bin];
    if (target) return path.join(outDir, target);
  } catch {
    // fall through to the conventional place
  }
  return path.join(outDir, "dist/server/main.js");
}

/** The roots not inside another one (a server folder holding the definitions is watched once). */
function outermost(roots: string[]): string[] {
  return roots.filter((r, i) => !roots.some((o, j) => j !== i && o !== r && isInside(o, r)) && roots.indexOf(r) === i);
}

function isInside(parent: string, p: string): boolean {
  const r = path.relative(parent, p);
  return !r.startsWith("..") && !path.isAbsolute(r);
}

function say(line: string): void {
  process.stdout.write(`skai-gen: ${line}\n`);
}

function rel(p: string): string {
  return path.relative(process.cwd(), p) || ".";
}
