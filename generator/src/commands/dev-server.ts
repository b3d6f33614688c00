/**
 * The API server under `skai-gen dev`: one child process at a time, restarted
 * on demand, its output passed through line by line behind a prefix.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { Readable } from "node:stream";

export interface ServerCommand {
  /** Arguments to node: the entry (after any --import) then the server's flags. */
  args: string[];
  cwd: string;
  /** Prefix of the server's output lines. */
  label: string;
}

/** How long a stopping server may take to close before it is killed. */
const STOP_GRACE_MS = 10_000;

/** The line the runtime prints once the server accepts requests. */
const SERVING = /^Serving on /;

export class DevServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly out: (line: string) => void) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  /**
   * Stops the running server (if any) and starts a new one. Resolves once it
   * is started; `serving` resolves true when it serves, false when it exits
   * (or is stopped) first.
   */
  async restart(command: ServerCommand): Promise<{ serving: Promise<boolean> }> {
    await this.stop("SIGTERM");
    return { serving: this.start(command) };
  }

  /** Stops the server with `signal` and waits for it to exit. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    child.kill(signal);
    const killer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(killer);
  }

  private start(command: ServerCommand): Promise<boolean> {
    // Its own process group: the terminal's Ctrl-C reaches skai-gen only, which stops the
    // server once (a second SIGINT would make it exit at once instead of closing cleanly).
    const child = spawn(process.execPath, command.args, { cwd: command.cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
    this.child = child;
    // Not in skai-gen's process group, so not stopped with it: if skai-gen exits without stopping it, kill it.
    const orphaned = () => child.kill("SIGKILL");
    process.once("exit", orphaned);
    child.once("exit", () => process.off("exit", orphaned));
    const exited = new Promise<number | string>((resolve) => {
      child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
      child.once("error", (err) => resolve(err.message));
    });
    this.exited = exited.then(() => {});
    return new Promise<boolean>((resolve) => {
      const print = (line: string) => {
        this.out(`${command.label} ${line}`);
        if (SERVING.test(line)) resolve(true);
      };
      eachLine(child.stdout!, print);
      eachLine(child.stderr!, print);
      void exited.then((how) => {
        // Exiting by itself (not stopped by us): say so, the next change starts it again.
        if (this.child === child) {
          this.child = undefined;
          this.out(`skai-gen: the server exited (${how}); it starts again on the next change`);
        }
        resolve(false);
      });
    });
  }
}

function eachLine(stream: Readable, onLine: (line: string) => void): void {
  let buffered = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      onLine(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
  stream.on("end", () => {
    if (buffered) onLine(buffered);
  });
}
