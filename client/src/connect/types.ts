/**
 * Options and handles of the connect subresources (`log`, `exec`) as a client
 * sees them. The server's providers return the same ExecProcess shape, so the
 * built-in provider is this client pointed at kube-apiserver's pods/exec.
 */
import type { Readable, Writable } from "node:stream";

/** Query options of GET .../log (the subset of core/v1 PodLogOptions that applies to any object). */
export interface LogOptions {
  container?: string;
  follow: boolean;
  previous: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps: boolean;
  limitBytes?: number;
}

/** Query options of .../exec (core/v1 PodExecOptions). */
export interface ExecOptions {
  command: string[];
  container?: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Terminal size as the resize channel carries it (remotecommand.TerminalSize: Go field names). */
export interface TerminalSize {
  Width: number;
  Height: number;
}

/**
 * A running command. stdin/stdout/stderr are present when asked for (no
 * stderr with a tty: the terminal merges it). `exit` resolves with the exit
 * code (0 = success) or rejects with an Error (a StatusError keeps its Status).
 */
export interface ExecProcess {
  stdin?: Writable;
  stdout?: Readable;
  stderr?: Readable;
  resize?(size: TerminalSize): void;
  exit: Promise<number>;
  /** Ends the process's connection (the client went away). */
  close(): void;
}
