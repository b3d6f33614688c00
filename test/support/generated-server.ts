/**
 * Starts SKAI's apiserver (apiserver/dist/main.js: the generated server with
 * SKAI's extensions, built by `npm test`'s build step) as a child process on a free port with its own
 * temp dir for SQLite, certificates and the admin kubeconfig, and drives the
 * real kubectl against it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const serverMain = path.join(repoRoot, "apiserver/dist/main.js");

export interface GeneratedServer {
  url: string;
  port: number;
  dir: string;
  kubeconfig: string;
  /** The child process, for crash tests. */
  child: ChildProcess;
  /** All the server printed so far. */
  output(): string;
  /** Runs kubectl with this server's kubeconfig. */
  kubectl(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): KubectlResult;
  /** Stops the server (SIGTERM, or SIGKILL when `kill` is true); keeps the temp dir unless `cleanup`. */
  stop(opts?: { kill?: boolean; cleanup?: boolean }): Promise<void>;
}

export interface KubectlResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface StartOptions {
  /** Reuse a temp dir (restart after a crash). */
  dir?: string;
  /** Storage spec; default SQLite in the temp dir. */
  storage?: string;
  /** Fixed port (restart on the same address). */
  port?: number;
  extraArgs?: string[];
  /** A command the server runs under, with its arguments (the bench's valgrind): `<wrapper...> node main.js ...`. */
  wrapper?: string[];
}

export async function startGeneratedServer(opts: StartOptions = {}): Promise<GeneratedServer> {
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), "skai-e2e-"));
  const kubeconfig = path.join(dir, "kubeconfig");
  const args = [
    serverMain,
    "--secure-port",
    String(opts.port ?? 0),
    "--storage",
    opts.storage ?? `sqlite:${path.join(dir, "data.db")}`,
    "--cert-dir",
    path.join(dir, "certs"),
    "--kubeconfig-out",
    kubeconfig,
    ...(opts.extraArgs ?? []),
  ];
  const [command, ...prefix] = opts.wrapper?.length ? [...opts.wrapper, process.execPath] : [process.execPath];
  const child = spawn(command!, [...prefix, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that never said it serves must not outlive the test (nor keep its process alive).
      child.kill("SIGKILL");
      reject(new Error(`server did not start in 60 s:\n${out}`));
    }, 60_000);
    const check = () => {
      const m = /Serving on (https:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  const port = Number(new URL(url).port);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    port,
    dir,
    kubeconfig,
    child,
    output: () => out,
    kubectl(kargs, kopts = {}) {
      // A fresh cache dir per server: kubectl's discovery cache must not leak between tests.
      const r = spawnSync("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", path.join(dir, "kube-cache"), ...kargs], {
        encoding: "utf8",
        input: kopts.input,
        env: { ...process.env, ...kopts.env },
        timeout: 60_000,
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    async stop(sopts = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(sopts.kill ? "SIGKILL" : "SIGTERM");
        await exited;
      }
      if (sopts.cleanup) rmSync(dir, { recursive: true, force: true });
    },
  };
}
