/**
 * One exec session, whatever carries it to the client (WebSocket channels or SPDY
 * streams, ./exec-websocket.ts and ./exec-spdy.ts): the client's stdin, its end and
 * terminal sizes go to the ExecProcess; the process's output goes back with backpressure
 * both ways; the exit ends the session with kube's Status (v4: JSON on the error channel).
 */
import type { Readable } from "node:stream";
import type { RequestContext } from "../api/request.js";
import { StatusError } from "../api/status.js";
import { exitStatus, failureStatus, STDERR, STDOUT } from "@skai-gen/client/connect/channel";
import type { ExecProcess, TerminalSize } from "./types.js";

/** Above this many bytes queued to the client we stop reading the process's output. */
export const HIGH_WATER = 1 << 20;

/** How long output still in flight, and then the client's goodbye, are waited for at the end. */
const GRACE_MS = 2000;

/** What the client sends, as the transport decodes it. */
export interface ExecInput {
  stdin(data: Buffer): void;
  /** The client closed stdin (v5 CLOSE signal, SPDY FIN). */
  stdinEnd(): void;
  resize(size: TerminalSize): void;
}

/** The client's connection, as a session needs it. */
export interface ExecTransport {
  /** Starts delivering the client's input. */
  start(input: ExecInput): void;
  /** Stops reading the client until resumeInput (the process's stdin is full). */
  pauseInput(): void;
  resumeInput(): void;
  /** Sends output of STDOUT or STDERR; false when the client is behind and `onceDrained` should be awaited. */
  send(channel: typeof STDOUT | typeof STDERR, data: Buffer | string): boolean;
  onceDrained(resume: () => void): void;
  /** Settles when the client is gone. */
  readonly closed: Promise<void>;
  /** Sends the final Status and closes, waiting at most `graceMs` for the client to hang up. */
  finish(status: object, graceMs: number): Promise<void>;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Runs the session to its end; never throws. */
export async function runExecSession(ctx: RequestContext, transport: ExecTransport, proc: ExecProcess): Promise<void> {
  const stop = () => proc.close();
  ctx.signal.addEventListener("abort", stop, { once: true });
  try {
    transport.start({
      stdin(data) {
        if (proc.stdin && !proc.stdin.writableEnded && !proc.stdin.write(data)) {
          transport.pauseInput();
          proc.stdin.once("drain", () => transport.resumeInput());
        }
      },
      stdinEnd: () => proc.stdin?.end(),
      resize(size) {
        if (Number.isFinite(size?.Width) && Number.isFinite(size?.Height)) proc.resize?.(size);
      },
    });
    void transport.closed.then(() => {
      proc.stdin?.destroy();
      proc.close();
    });
    const outputs = [pump(proc.stdout, STDOUT, transport), pump(proc.stderr, STDERR, transport)];
    let status: object;
    try {
      const code = await Promise.race([proc.exit, transport.closed.then(() => undefined)]);
      if (code === undefined) return;
      status = exitStatus(code);
    } catch (err) {
      const s = err instanceof StatusError ? err.status : failureStatus((err as Error)?.message ?? String(err));
      status = { metadata: {}, status: "Failure", message: s.message, reason: s.reason, code: s.code, ...(s.details ? { details: s.details } : {}) };
    }
    // Output written before the exit must reach the client before the Status; a provider that never
    // ends its streams gets a short grace period.
    await Promise.race([Promise.all(outputs), delay(GRACE_MS)]);
    await transport.finish(status, GRACE_MS);
  } finally {
    ctx.signal.removeEventListener("abort", stop);
  }
}

/** Forwards one output stream, pausing while the client is behind. */
function pump(src: Readable | undefined, channel: typeof STDOUT | typeof STDERR, transport: ExecTransport): Promise<void> {
  if (!src) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => resolve();
    src.on("data", (chunk: Buffer | string) => {
      if (!transport.send(channel, chunk) && !src.isPaused()) {
        src.pause();
        transport.onceDrained(() => src.resume());
      }
    });
    src.once("end", done);
    src.once("close", done);
    src.once("error", done);
  });
}
