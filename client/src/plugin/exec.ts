/**
 * `kubectl <name> exec [-i] [-t] TYPE/NAME [-c C] -- COMMAND...`: the local
 * terminal wired to the remote command as kubectl exec does it: raw mode with
 * -t, the terminal size sent at start and on every SIGWINCH, the remote exit
 * code as ours ("command terminated with exit code N").
 */
import { ApiError } from "../errors.js";
import type { ResourceClient } from "../resource-client.js";
import type { KubeObject } from "../types.js";
import type { PluginArgs } from "./args.js";

export interface Terminal {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export async function runExec(rc: ResourceClient<KubeObject>, name: string, args: PluginArgs, term: Terminal): Promise<number> {
  if (args.execCommand.length === 0) throw new Error("you must specify at least one command for the container (after --)");
  let tty = args.tty;
  if (tty && (!args.stdin || !term.stdin.isTTY)) {
    // kubectl's warning, and the same fallback: no terminal without a terminal on our side.
    term.stderr.write("Unable to use a TTY - input is not a terminal or the right kind of file\n");
    tty = false;
  }
  const conn = await rc.exec(name, args.execCommand, { container: args.container, stdin: args.stdin, stdout: true, stderr: !tty, tty });
  const size = () => ({ Width: term.stdout.columns ?? 80, Height: term.stdout.rows ?? 24 });
  const onResize = () => conn.resize?.(size());
  if (tty) {
    term.stdin.setRawMode(true);
    conn.resize?.(size());
    process.on("SIGWINCH", onResize);
  }
  if (args.stdin && conn.stdin) term.stdin.pipe(conn.stdin);
  const outputs = [conn.stdout, conn.stderr].map(
    (s, i) =>
      new Promise<void>((resolve) => {
        if (!s) return resolve();
        s.on("data", (d: Buffer) => (i === 0 ? term.stdout : term.stderr).write(d));
        s.once("end", () => resolve());
        s.once("close", () => resolve());
      }),
  );
  try {
    const code = await conn.exit;
    await Promise.all(outputs);
    if (code !== 0) term.stderr.write(`command terminated with exit code ${code}\n`);
    return code;
  } finally {
    if (tty) {
      term.stdin.setRawMode(false);
      process.off("SIGWINCH", onResize);
    }
    term.stdin.unpipe();
    term.stdin.pause();
  }
}

/**
 * A line to print under kube's refusal of an exec that names no reason: the
 * second authorization (`create`, as kube-apiserver 1.35 asks for pods/exec)
 * answers `<resource> "<name>" is forbidden: ` with the authorizer's reason,
 * which RBAC leaves empty. Undefined for any other error.
 */
export function execRefusalHint(err: unknown, plural: string, namespace: string | undefined): string | undefined {
  if (!(err instanceof ApiError) || err.code !== 403 || !/ is forbidden:\s*$/.test(err.message)) return undefined;
  const where = namespace ? ` in the namespace ${JSON.stringify(namespace)}` : "";
  return `exec needs the "create" verb on "${plural}/exec"${where}; "get" alone does not grant it`;
}
