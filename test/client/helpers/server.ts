/**
 * SKAI's server as a child process on a random port with SQLite in a temp
 * dir, run from its sources as `skai-gen dev` runs a project's main
 * (`apiserver/src/main.ts` with tsx), writing the
 * standalone admin kubeconfig the client then follows. `restart()` stops it
 * and starts it again on the same port and database.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { librarySourcePaths } from "../../support/source-paths.js";
import { generatedDir } from "./generated.js";
import { ROOT } from "./typecheck.js";

export class ServerProcess {
  private child?: ChildProcess;
  port = 0;
  output = "";

  private constructor(
    readonly dir: string,
    private readonly generated: string,
  ) {}

  static async start(): Promise<ServerProcess> {
    const dir = mkdtempSync(join(tmpdir(), "skai-client-server-"));
    const s = new ServerProcess(dir, await generatedDir());
    await s.spawn();
    return s;
  }

  get kubeconfig(): string {
    return join(this.dir, "kubeconfig");
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs) await new Promise((r) => setTimeout(r, downMs));
    await this.spawn();
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGTERM");
    const t = setTimeout(() => c.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(t);
  }

  private async spawn(): Promise<void> {
    // tsx resolves the libraries and the generated package from their sources through these paths, so the server is always current.
    const tsconfig = join(this.dir, "tsconfig.json");
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: join(ROOT, "tsconfig.base.json"),
        compilerOptions: {
          paths: {
            ...librarySourcePaths(),
            "@skai/api": [join(this.generated, "src/index.ts")],
            "@skai/api/server": [join(this.generated, "src/server/index.ts")],
          },
        },
      }),
    );
    const args = [
      "--import",
      "tsx",
      join(ROOT, "apiserver/src/main.ts"),
      "--secure-port",
      String(this.port),
      "--cert-dir",
      join(this.dir, "certs"),
      "--kubeconfig-out",
      this.kubeconfig,
      "--storage",
      `sqlite:${join(this.dir, "data.db")}`,
    ];
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig }, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        this.output += d.toString();
        const m = /Serving on https:\/\/[^:]+:(\d+)/.exec(this.output);
        if (m) {
          this.port = Number(m[1]);
          this.output = "";
          resolve();
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", (d: Buffer) => (this.output += d.toString()));
      child.once("exit", (code) => reject(new Error(`server exited (${code}) before serving:\n${this.output}`)));
      setTimeout(() => reject(new Error(`server did not start in 60s:\n${this.output}`)), 60_000).unref();
    });
  }
}
