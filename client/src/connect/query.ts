/** The query parameters of log and exec requests (kube-apiserver's names for PodLogOptions and PodExecOptions). */
import type { ExecOptions, LogOptions } from "./types.js";

/** The query of pods/log for these options (kube-apiserver's parameter names). */
export function logQuery(opts: LogOptions): URLSearchParams {
  const q = new URLSearchParams();
  if (opts.container) q.set("container", opts.container);
  if (opts.follow) q.set("follow", "true");
  if (opts.previous) q.set("previous", "true");
  if (opts.timestamps) q.set("timestamps", "true");
  if (opts.tailLines !== undefined) q.set("tailLines", String(opts.tailLines));
  if (opts.sinceSeconds !== undefined) q.set("sinceSeconds", String(opts.sinceSeconds));
  if (opts.sinceTime) q.set("sinceTime", opts.sinceTime);
  if (opts.limitBytes !== undefined) q.set("limitBytes", String(opts.limitBytes));
  return q;
}

/** The query of pods/exec for these options. */
export function execQuery(opts: ExecOptions): URLSearchParams {
  const q = new URLSearchParams();
  for (const c of opts.command) q.append("command", c);
  if (opts.container) q.set("container", opts.container);
  if (opts.stdin) q.set("stdin", "true");
  if (opts.stdout) q.set("stdout", "true");
  if (opts.stderr) q.set("stderr", "true");
  if (opts.tty) q.set("tty", "true");
  return q;
}
